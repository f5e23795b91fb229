"""A vending machine as an explicit state machine: coins, selection, refunds, pickup."""

COINS = {5, 10, 20, 50, 100}

TRANSITIONS = {
    ("idle", "coin"): "collecting",
    ("collecting", "coin"): "collecting",
    ("collecting", "select"): "dispensing",
    ("collecting", "refund"): "collecting",
    ("dispensing", "take"): "idle",
}


class InvalidEvent(Exception):
    pass


class NotEnoughCredit(Exception):
    pass


class VendingMachine:
    def __init__(self, price: int, stock: int) -> None:
        self.price = price
        self.stock = stock
        self.state = "idle"
        self.credit = 0
        self.sales = 0

    def _fire(self, event: str) -> None:
        key = (self.state, event)
        if key not in TRANSITIONS:
            raise InvalidEvent(f"cannot {event} while {self.state}")
        self.state = TRANSITIONS[key]

    def insert(self, coin: int) -> int:
        if coin not in COINS:
            raise ValueError(f"unknown coin {coin}")
        self._fire("coin")
        self.credit += coin
        return self.credit

    def select(self) -> int:
        if self.credit < self.price or self.stock == 0:
            raise NotEnoughCredit(f"credit {self.credit}, price {self.price}, stock {self.stock}")
        self._fire("select")
        change = self.credit - self.price
        self.credit = 0
        self.stock -= 1
        self.sales += self.price
        return change

    def take(self) -> None:
        self._fire("take")

    def refund(self) -> int:
        self._fire("refund")
        amount, self.credit = self.credit, 0
        return amount
