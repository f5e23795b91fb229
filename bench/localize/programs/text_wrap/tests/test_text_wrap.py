import pytest

from wrap import fill, justify, wrap


def test_short_text_one_line():
    assert wrap("hello world", 20) == ["hello world"]


def test_long_word_stays_whole():
    assert wrap("a extraordinarily b", 5) == ["a", "extraordinarily", "b"]


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("aa bb cc", 5, ["aa bb", "cc"]),
        ("aa bb cc", 4, ["aa", "bb", "cc"]),
        ("one two three four", 9, ["one two", "three", "four"]),
        ("the quick brown fox", 10, ["the quick", "brown fox"]),
        ("x y z", 100, ["x y z"]),
    ],
)
def test_wrap_widths(text, width, expected):
    assert wrap(text, width) == expected


def test_every_line_fits():
    text = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do"
    assert all(len(line) <= 12 for line in wrap(text, 12))


def test_justify_spreads_spaces():
    assert justify("a b c", 10) == "a    b   c"


def test_fill_hanging_indent():
    assert fill("alpha beta gamma delta", 12, indent="  ") == "alpha beta\n  gamma\n  delta"


def test_bad_width():
    with pytest.raises(ValueError):
        wrap("x", 0)
