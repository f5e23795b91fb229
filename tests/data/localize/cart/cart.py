"""A tiny shopping cart."""


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, price, quantity=1):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self.items.append((name, price, quantity))

    def subtotal(self):
        total = 0
        for _name, price, quantity in self.items:
            total += price * quantity
        return total

    def discount(self):
        total = self.subtotal()
        if total > 100:  # @fault
            return total * 0.1
        return 0

    def total(self):
        return self.subtotal() - self.discount()
