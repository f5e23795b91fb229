"""Check out three carts and print what each customer pays."""

from cart import discount, total

CARTS = {
    "alice": [(2.50, 4), (1.25, 2)],
    "bob": [(3.00, 10)],
    "carol": [(1.00, 12)],
}


def main() -> None:
    for customer, items in CARTS.items():
        saved = discount(items)  # @bp
        print(f"{customer}: pays {total(items, tax_rate=0.2):.2f} (saved {saved:.2f})")


if __name__ == "__main__":
    main()
