import pytest

from units import length, temperature


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (0, "C", "K", 273.15),
        (300, "K", "C", 26.85),
        (212, "F", "C", 100.0),
        (32, "F", "K", 273.15),
        (100, "C", "F", 212.0),
        (0, "K", "F", -459.67),
        (50, "F", "F", 50.0),
    ],
)
def test_temperature(value, source, target, expected):
    assert temperature(value, source, target) == pytest.approx(expected)


def test_below_absolute_zero():
    with pytest.raises(ValueError):
        temperature(-300, "C", "K")


def test_unknown_temperature_unit():
    with pytest.raises(ValueError):
        temperature(1, "X", "C")


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [(1, "km", "m", 1000), (12, "in", "ft", 1), (1, "mi", "km", 1.609344)],
)
def test_length(value, source, target, expected):
    assert length(value, source, target) == pytest.approx(expected)


def test_unknown_length_unit():
    with pytest.raises(ValueError):
        length(1, "parsec", "m")
