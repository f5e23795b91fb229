import pytest

from roman import RomanError, from_roman, is_canonical, to_roman


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (1994, "MCMXCIV"), (3888, "MMMDCCCLXXXVIII")],
)
def test_to_roman(number, numeral):
    assert to_roman(number) == numeral


@pytest.mark.parametrize(
    ("numeral", "number"),
    [("IV", 4), ("IX", 9), ("XC", 90), ("CDXLIV", 444), ("III", 3), ("MMXXIV", 2024), ("xii", 12)],
)
def test_from_roman(numeral, number):
    assert from_roman(numeral) == number


def test_out_of_range():
    with pytest.raises(RomanError):
        to_roman(0)


def test_not_a_numeral():
    with pytest.raises(RomanError):
        from_roman("XIZ")


def test_canonical_check():
    assert is_canonical("MCMXC")
    assert not is_canonical("IIX")
