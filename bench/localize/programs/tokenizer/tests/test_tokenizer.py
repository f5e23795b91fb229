import pytest

from tokenizer import Token, TokenizeError, kinds, tokenize


def test_numbers_and_operators():
    assert [t.text for t in tokenize("1 + 23.5*x")] == ["1", "+", "23.5", "*", "x"]


def test_two_char_operators():
    assert [t.text for t in tokenize("a<=b != c")] == ["a", "<=", "b", "!=", "c"]


def test_positions():
    assert [t.pos for t in tokenize("ab + 7")] == [0, 3, 5]


@pytest.mark.parametrize(
    ("source", "value"),
    [('"hello"', "hello"), ("'x'", "x"), ('"a b"', "a b")],
)
def test_string_value(source, value):
    assert tokenize(source) == [Token("STR", value, 0)]


def test_empty_string_literal():
    assert tokenize('f("")')[2] == Token("STR", "", 2)


def test_kinds_of_call():
    assert kinds("f(x, 'y')") == ["NAME", "OP", "NAME", "OP", "STR", "OP"]


def test_unterminated_string():
    with pytest.raises(TokenizeError):
        tokenize('"abc')


def test_unknown_character():
    with pytest.raises(TokenizeError):
        tokenize("a $ b")
