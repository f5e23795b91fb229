"""Bank accounts with an overdraft limit, a transaction history and transfers."""


class InsufficientFunds(Exception):
    pass


class Account:
    def __init__(self, owner: str, balance: int = 0, overdraft: int = 0) -> None:
        self.owner = owner
        self.opening = balance
        self.balance = balance
        self.overdraft = overdraft
        self.history: list[tuple[str, int]] = []

    def deposit(self, amount: int) -> int:
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance

    def withdraw(self, amount: int) -> int:
        if amount <= 0:
            raise ValueError("withdrawal must be positive")
        if amount > self.balance + self.overdraft:
            raise InsufficientFunds(f"{self.owner} cannot withdraw {amount}")
        self.balance -= amount
        return self.balance


class Bank:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}

    def open(self, owner: str, balance: int = 0, overdraft: int = 0) -> Account:
        if owner in self.accounts:
            raise ValueError(f"{owner} already has an account")
        account = Account(owner, balance, overdraft)
        self.accounts[owner] = account
        return account

    def transfer(self, source: str, target: str, amount: int) -> None:
        src = self.accounts[source]
        dst = self.accounts[target]
        src.withdraw(amount)
        dst.deposit(amount)

    def holdings(self) -> int:
        return sum(account.balance for account in self.accounts.values())
