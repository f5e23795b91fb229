"""Product price service with a memo cache. Bug: set_price updates the catalogue but never
invalidates `_price_cache`, so get_price keeps serving the old price."""

_catalogue = {"tea": 3.0, "coffee": 4.0}
_price_cache: dict[str, float] = {}


def get_price(product: str) -> float:
    if product in _price_cache:
        return _price_cache[product]
    price = _catalogue[product]
    _price_cache[product] = price
    return price


def set_price(product: str, price: float) -> None:
    _catalogue[product] = price


def check_reprice() -> None:
    assert get_price("coffee") == 4.0
    set_price("coffee", 4.5)
    current = get_price("coffee")
    assert current == 4.5, f"price after update is {current}, expected 4.5"


if __name__ == "__main__":
    check_reprice()
    print("ok")
