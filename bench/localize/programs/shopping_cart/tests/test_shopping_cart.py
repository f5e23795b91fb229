import pytest

from cart import Cart


def test_add_merges_same_sku():
    cart = Cart()
    cart.add("apple", 0.5, 2)
    cart.add("apple", 0.5, 3)
    assert cart.count() == 5


def test_add_rejects_zero_quantity():
    with pytest.raises(ValueError):
        Cart().add("apple", 0.5, 0)


def test_remove_drops_empty_line():
    cart = Cart()
    cart.add("pear", 1.0, 2)
    cart.remove("pear", 2)
    assert cart.items == {}


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [(1, 2.0), (9, 18.0), (10, 18.0), (12, 21.6), (20, 36.0)],
)
def test_subtotal_with_bulk_discount(quantity, expected):
    cart = Cart()
    cart.add("pen", 2.0, quantity)
    assert cart.subtotal() == expected


def test_total_applies_coupon():
    cart = Cart()
    cart.add("book", 12.5, 2)
    assert cart.total(coupon=5) == 20.0


def test_total_never_negative():
    cart = Cart()
    cart.add("gum", 1.0, 1)
    assert cart.total(coupon=3) == 0.0


def test_mixed_cart_total():
    cart = Cart()
    cart.add("pen", 1.0, 10)
    cart.add("pad", 3.0, 1)
    assert cart.total() == 12.0
