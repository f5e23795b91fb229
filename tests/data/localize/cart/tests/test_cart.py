import pytest

from cart import Cart


def test_empty():
    assert Cart().total() == 0


def test_small():
    cart = Cart()
    cart.add("pen", 5, 2)
    assert cart.total() == 10


def test_big():
    cart = Cart()
    cart.add("desk", 200)
    assert cart.total() == 180


def test_exactly_hundred():
    cart = Cart()
    cart.add("chair", 50, 2)
    assert cart.total() == 90


@pytest.mark.parametrize("price,quantity,expected", [(25, 4, 90), (10, 3, 30), (101, 1, 90.9)])
def test_param(price, quantity, expected):
    cart = Cart()
    cart.add("x", price, quantity)
    assert cart.total() == pytest.approx(expected)


def test_bad_quantity():
    with pytest.raises(ValueError):
        Cart().add("x", 1, 0)
