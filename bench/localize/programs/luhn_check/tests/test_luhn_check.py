import pytest

from luhn import check_digit, digits_of, is_valid, issuer


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4539 1488 0343 6467", True),
        ("4111-1111-1111-1111", True),
        ("5500 0000 0000 0004", True),
        ("3400 0000 0000 009", True),
        ("4111 1111 1111 1112", False),
        ("1234 5678 9012 3456", False),
    ],
)
def test_is_valid(number, valid):
    assert is_valid(number) is valid


def test_check_digit_small():
    assert check_digit("7992739871") == 3


def test_check_digit_without_doubling_overflow():
    assert check_digit("1200") == 5


def test_not_digits():
    with pytest.raises(ValueError):
        digits_of("4111-abcd")


@pytest.mark.parametrize(("number", "name"), [("4111111111111111", "visa"), ("5212345678901234", "mastercard"), ("6011000000000000", "unknown")])
def test_issuer(number, name):
    assert issuer(number) == name
