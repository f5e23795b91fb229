"""Depth of a reporting chain. Bug: the recursion stops only at the CEO, but the data has a cycle
(two managers reporting to each other), so depth() never reaches its base case -> RecursionError."""

MANAGER_OF = {"ann": "bob", "bob": "cyd", "cyd": "dee", "dee": "cyd", "ceo": None}


def depth(person: str) -> int:
    boss = MANAGER_OF[person]
    if boss is None:
        return 0
    return 1 + depth(boss)


if __name__ == "__main__":
    print(depth("ann"))
