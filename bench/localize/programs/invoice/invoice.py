"""Invoices: lines with quantity and discount, a subtotal, tax and a printable summary."""

from dataclasses import dataclass, field
from decimal import Decimal

from pricing import discounted, to_cents, with_tax


@dataclass
class Line:
    description: str
    unit_price: Decimal
    quantity: int = 1
    discount: Decimal = Decimal(0)

    def amount(self) -> Decimal:
        unit = discounted(self.discount, self.unit_price)
        return to_cents(unit * self.quantity)


@dataclass
class Invoice:
    tax_rate: Decimal
    lines: list[Line] = field(default_factory=list)

    def add(self, description: str, unit_price: str, quantity: int = 1, discount: str = "0") -> None:
        self.lines.append(Line(description, Decimal(unit_price), quantity, Decimal(discount)))

    def subtotal(self) -> Decimal:
        return sum((line.amount() for line in self.lines), Decimal(0))

    def total(self) -> Decimal:
        return to_cents(with_tax(self.subtotal(), self.tax_rate))

    def summary(self) -> list[str]:
        rows = [f"{line.description}: {line.amount()}" for line in self.lines]
        return [*rows, f"total: {self.total()}"]
