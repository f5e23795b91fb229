import random

TAX = 0.2


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, price, qty=1):
        self.items.append((name, price, qty))

    def average(self, discount=0):
        total = 0
        count = 0
        for name, price, qty in self.items:
            if qty <= 0:
                continue
            total += price * qty
            count += qty
        if discount > 0:
            total = total - discount
        else:
            total = total * (1 + TAX)
        return total / count


def main():
    cart = Cart()
    cart.add("pen", 2.0, 0)
    print(cart.average(discount=random.random()))


if __name__ == "__main__":
    main()
