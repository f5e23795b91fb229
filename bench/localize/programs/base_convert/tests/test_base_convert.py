import pytest

from bases import from_base, grouped, to_base


@pytest.mark.parametrize(
    ("n", "base", "text"),
    [(0, 2, "0"), (5, 2, "101"), (10, 10, "10"), (255, 16, "ff"), (7, 8, "7"), (100, 16, "64"), (35, 36, "z")],
)
def test_to_base(n, base, text):
    assert to_base(n, base) == text


def test_negative():
    assert to_base(-12, 10) == "-12"


@pytest.mark.parametrize(("text", "base", "n"), [("ff", 16, 255), ("-101", 2, -5), ("Zz", 36, 1295)])
def test_from_base(text, base, n):
    assert from_base(text, base) == n


def test_bad_digit():
    with pytest.raises(ValueError):
        from_base("12", 2)


def test_grouped_binary():
    assert grouped(0b1010_0110_1100, 2) == "1010_0110_1100"


def test_bad_base():
    with pytest.raises(ValueError):
        to_base(3, 1)
