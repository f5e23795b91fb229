"""Warehouse stock: reservations for orders, shipping, restocking and a low-stock report."""

from dataclasses import dataclass, field


class OutOfStock(Exception):
    pass


@dataclass
class Inventory:
    stock: dict[str, int] = field(default_factory=dict)
    reserved: dict[str, dict[str, int]] = field(default_factory=dict)
    reorder_level: int = 5

    def available(self, sku: str) -> int:
        held = sum(order.get(sku, 0) for order in self.reserved.values())
        return self.stock.get(sku, 0) - held

    def reserve(self, order_id: str, lines: dict[str, int]) -> None:
        for sku, qty in lines.items():
            if self.available(sku) < qty:
                raise OutOfStock(f"{sku}: want {qty}, have {self.available(sku)}")
        self.reserved[order_id] = dict(lines)

    def cancel(self, order_id: str) -> None:
        self.reserved.pop(order_id, None)

    def ship(self, order_id: str) -> None:
        lines = self.reserved.pop(order_id)
        for sku, qty in lines.items():
            self.stock[sku] -= qty

    def restock(self, deliveries: dict[str, int]) -> None:
        for sku, qty in deliveries.items():
            self.stock[sku] += qty

    def low_stock(self) -> list[str]:
        return sorted(sku for sku in self.stock if self.available(sku) <= self.reorder_level)
