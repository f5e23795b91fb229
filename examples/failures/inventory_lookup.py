"""Order pricing: looks each order line up in the price list. Bug: SKUs in orders arrive in lower
case from the web form, the price list is keyed in upper case -> KeyError."""

PRICES = {"WIDGET-1": 4.5, "WIDGET-2": 7.25, "GADGET-9": 19.0}


def line_total(sku: str, qty: int) -> float:
    price = PRICES[sku]
    return price * qty


def order_total(lines: list[tuple[str, int]]) -> float:
    return sum(line_total(sku, qty) for sku, qty in lines)


if __name__ == "__main__":
    order = [("WIDGET-1", 2), ("widget-2", 1)]
    print(f"total: {order_total(order):.2f}")
