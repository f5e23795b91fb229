from decimal import Decimal

import pytest

from invoice import Invoice
from pricing import discounted, to_cents, with_tax


def test_discounted():
    assert discounted(Decimal("80"), Decimal("25")) == Decimal("60")


def test_discount_out_of_range():
    with pytest.raises(ValueError):
        discounted(Decimal("10"), Decimal("120"))


def test_with_tax_rounded():
    assert to_cents(with_tax(Decimal("10.00"), Decimal("0.2"))) == Decimal("12.00")


def test_plain_lines():
    invoice = Invoice(Decimal("0"))
    invoice.add("pen", "1.50", 4)
    invoice.add("pad", "3.25")
    assert invoice.subtotal() == Decimal("9.25")


def test_discounted_line():
    invoice = Invoice(Decimal("0"))
    invoice.add("chair", "120.00", 2, discount="10")
    assert invoice.subtotal() == Decimal("216.00")


def test_total_with_tax():
    invoice = Invoice(Decimal("0.2"))
    invoice.add("desk", "200.00", 1, discount="50")
    assert invoice.total() == Decimal("120.00")


def test_summary_rows():
    invoice = Invoice(Decimal("0.1"))
    invoice.add("lamp", "20.00")
    assert invoice.summary() == ["lamp: 20.00", "total: 22.00"]
