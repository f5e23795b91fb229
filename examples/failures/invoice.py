"""Invoice totals. Bug: discount_for returns None for customers without a discount tier, and the
caller adds it to a float -> TypeError."""

TIERS = {"gold": 0.15, "silver": 0.05}


def discount_for(tier: str) -> float | None:
    if tier in TIERS:
        return TIERS[tier]
    return None


def invoice_total(subtotal: float, tier: str) -> float:
    discount = discount_for(tier)
    rate = 1.0 - discount
    return round(subtotal * rate, 2)


if __name__ == "__main__":
    print(invoice_total(100.0, "gold"))
    print(invoice_total(80.0, "bronze"))
