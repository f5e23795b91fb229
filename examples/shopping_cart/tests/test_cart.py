import pytest
from cart import discount, item_count, subtotal, total


def test_subtotal_adds_line_totals():
    assert subtotal([(2.5, 2), (1.0, 3)]) == 8.0


def test_item_count():
    assert item_count([(2.5, 2), (1.0, 3)]) == 5


@pytest.mark.parametrize("quantity", [1, 5, 9])
def test_no_discount_below_threshold(quantity):
    assert discount([(1.0, quantity)]) == 0.0


@pytest.mark.parametrize("quantity", [10, 11, 25])
def test_bulk_discount_from_threshold(quantity):
    assert discount([(1.0, quantity)]) == pytest.approx(quantity * 0.10)


def test_total_with_tax():
    assert total([(10.0, 1)], tax_rate=0.2) == 12.0


def test_total_for_bulk_order():
    assert total([(3.0, 10)], tax_rate=0.0) == 27.0
