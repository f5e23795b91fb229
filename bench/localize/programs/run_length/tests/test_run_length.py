import pytest

from rle import decode, encode, ratio, runs


def test_empty():
    assert encode("") == ""


@pytest.mark.parametrize(
    ("text", "encoded"),
    [("a", "1a"), ("aaabb", "3a2b"), ("abc", "1a1b1c"), ("a" * 12, "9a3a"), ("zzzzy", "4z1y")],
)
def test_encode(text, encoded):
    assert encode(text) == encoded


def test_runs_structure():
    assert runs("xxy") == [("x", 2), ("y", 1)]


@pytest.mark.parametrize(("encoded", "text"), [("3a2b", "aaabb"), ("1x", "x"), ("9a1a", "a" * 10)])
def test_decode(encoded, text):
    assert decode(encoded) == text


def test_decode_malformed():
    with pytest.raises(ValueError):
        decode("12a")


def test_round_trip():
    text = "wwwwbbbwwwwwwwwwwwwbb"
    assert decode(encode(text)) == text


def test_ratio_of_long_run():
    assert ratio("a" * 9) == pytest.approx(2 / 9)
