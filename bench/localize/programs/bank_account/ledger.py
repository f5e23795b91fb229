"""Account statements rebuilt from the transaction history."""

from account import Account


def statement(account: Account) -> list[tuple[str, int, int]]:
    running = account.opening
    lines = []
    for kind, amount in account.history:
        running += amount if kind == "deposit" else -amount
        lines.append((kind, amount, running))
    return lines


def reconciles(account: Account) -> bool:
    lines = statement(account)
    closing = lines[-1][2] if lines else account.opening
    return closing == account.balance
