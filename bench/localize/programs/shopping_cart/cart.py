"""A shopping cart with per-item quantities, bulk discounts and coupons."""

from dataclasses import dataclass, field

BULK_THRESHOLD = 10
BULK_RATE = 0.1


@dataclass
class Item:
    sku: str
    unit_price: float
    quantity: int = 1


@dataclass
class Cart:
    items: dict[str, Item] = field(default_factory=dict)

    def add(self, sku: str, unit_price: float, quantity: int = 1) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        if sku in self.items:
            self.items[sku].quantity += quantity
        else:
            self.items[sku] = Item(sku, unit_price, quantity)

    def remove(self, sku: str, quantity: int = 1) -> None:
        item = self.items[sku]
        item.quantity -= quantity
        if item.quantity <= 0:
            del self.items[sku]

    def count(self) -> int:
        return sum(item.quantity for item in self.items.values())

    def line_total(self, item: Item) -> float:
        total = item.unit_price * item.quantity
        if item.quantity > BULK_THRESHOLD:
            total -= total * BULK_RATE
        return round(total, 2)

    def subtotal(self) -> float:
        return round(sum(self.line_total(item) for item in self.items.values()), 2)

    def total(self, coupon: float = 0.0) -> float:
        return max(0.0, round(self.subtotal() - coupon, 2))
