"""Price rules: percentage discounts, tax and rounding to cents."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def discounted(price: Decimal, percent: Decimal) -> Decimal:
    if not 0 <= percent <= 100:
        raise ValueError(f"discount {percent}% out of range")
    return price * (100 - percent) / 100


def with_tax(amount: Decimal, rate: Decimal) -> Decimal:
    return amount * (1 + rate)
