"""A tiny shopping cart: line totals, a bulk discount and tax.

The fixed twin of examples/shopping_cart (`make demo` verifies this fix): customers who
buy exactly BULK_THRESHOLD items get the bulk discount.
"""

BULK_THRESHOLD = 10  # items in the cart
BULK_DISCOUNT = 0.10  # 10 % off the subtotal


def line_total(price: float, quantity: int) -> float:
    return price * quantity


def subtotal(items: list[tuple[float, int]]) -> float:
    total = 0.0
    for price, quantity in items:
        total += line_total(price, quantity)
    return total


def item_count(items: list[tuple[float, int]]) -> int:
    return sum(quantity for _, quantity in items)


def discount(items: list[tuple[float, int]]) -> float:
    count = item_count(items)
    if count >= BULK_THRESHOLD:
        return subtotal(items) * BULK_DISCOUNT
    return 0.0


def total(items: list[tuple[float, int]], tax_rate: float) -> float:
    net = subtotal(items) - discount(items)
    return round(net * (1 + tax_rate), 2)
