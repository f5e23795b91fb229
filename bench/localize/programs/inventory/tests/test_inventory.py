import pytest

from inventory import Inventory, OutOfStock


@pytest.fixture
def inv():
    return Inventory(stock={"bolt": 100, "nut": 8, "washer": 3})


def test_reserve_reduces_available(inv):
    inv.reserve("o1", {"bolt": 30})
    assert inv.available("bolt") == 70


def test_reserve_too_much(inv):
    with pytest.raises(OutOfStock):
        inv.reserve("o1", {"nut": 9})


def test_cancel_releases(inv):
    inv.reserve("o1", {"nut": 4})
    inv.cancel("o1")
    assert inv.available("nut") == 8


def test_ship_takes_from_stock(inv):
    inv.reserve("o1", {"bolt": 10, "nut": 2})
    inv.ship("o1")
    assert inv.stock == {"bolt": 90, "nut": 6, "washer": 3}


def test_restock_existing(inv):
    inv.restock({"washer": 10})
    assert inv.available("washer") == 13


def test_restock_new_item(inv):
    inv.restock({"hinge": 12})
    assert inv.available("hinge") == 12


def test_restock_mixed_delivery(inv):
    inv.restock({"nut": 2, "spring": 4})
    assert inv.low_stock() == ["spring", "washer"]


def test_low_stock(inv):
    inv.reserve("o1", {"nut": 3})
    assert inv.low_stock() == ["nut", "washer"]
