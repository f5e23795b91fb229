import pytest

from fraction import Fraction, parse, total


def test_lowest_terms():
    assert Fraction(6, 8) == Fraction(3, 4)


def test_negative_denominator():
    assert str(Fraction(1, -2)) == "-1/2"


def test_add():
    assert Fraction(1, 2) + Fraction(1, 3) == Fraction(5, 6)


def test_divide():
    assert Fraction(1, 2) / Fraction(3, 4) == Fraction(2, 3)


def test_zero_denominator():
    with pytest.raises(ZeroDivisionError):
        Fraction(1, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5", Fraction(5)), ("4/4", Fraction(1)), ("3/4", Fraction(3, 4)), (" -2/6 ", Fraction(-1, 3))],
)
def test_parse(text, expected):
    assert parse(text) == expected


def test_total_of_whole_numbers():
    assert total(["1", "2", "3"]) == Fraction(6)


def test_total_of_recipe():
    assert str(total(["1/2", "1/3", "1/6", "2"])) == "3"
