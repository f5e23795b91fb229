"""A prepaid wallet with a transaction log. Bug: `spend` changes the balance but forgets to log the
transaction that `top_up` logs, so statements miss every purchase."""


class Wallet:
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.balance = 0
        self.log: list[tuple[str, int]] = []

    def top_up(self, amount: int) -> None:
        self.balance += amount
        self.log.append(("top_up", amount))

    def spend(self, amount: int) -> None:
        if amount > self.balance:
            raise ValueError(f"{self.owner} cannot spend {amount}")
        self.balance -= amount

    def statement(self) -> list[str]:
        return [f"{kind} {amount}" for kind, amount in self.log]
