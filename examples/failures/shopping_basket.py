"""Baskets per customer. Bug: the mutable default `items=[]` is created once, so every basket built
without an explicit list shares (and keeps) the previous customer's items."""


class Basket:
    def __init__(self, owner: str, items: list[str] = []) -> None:  # noqa: B006 - the bug
        self.owner = owner
        self.items = items

    def add(self, item: str) -> None:
        self.items.append(item)


def check_baskets() -> None:
    first = Basket("ann")
    first.add("apple")
    second = Basket("bob")
    second.add("bread")
    assert second.items == ["bread"], f"bob's basket holds {second.items}"


if __name__ == "__main__":
    check_baskets()
    print("ok")
