"""Day-over-day price changes. Bug: the loop compares each price with the next one and runs to the
last index, so `prices[i + 1]` reads one past the end -> IndexError."""


def daily_changes(prices: list[float]) -> list[float]:
    changes = []
    for i in range(len(prices)):
        change = prices[i + 1] - prices[i]
        changes.append(round(change, 2))
    return changes


if __name__ == "__main__":
    print(daily_changes([10.0, 10.5, 9.75, 11.0]))
