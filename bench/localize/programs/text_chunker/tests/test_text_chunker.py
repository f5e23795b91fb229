import pytest

from chunker import chunks, numbered


def test_short_text():
    assert chunks("hello", 10) == ["hello"]


def test_breaks_at_spaces():
    assert chunks("hello world foo", 8) == ["hello", "world", "foo"]


def test_exact_boundary():
    assert chunks("abcd efgh", 5) == ["abcd", "efgh"]


def test_word_longer_than_size_first():
    assert chunks("abcdefghij kl", 4) == ["abcd", "efgh", "ij", "kl"]


def test_long_word_after_short_one():
    assert chunks("a bcdefgh", 4) == ["a", "bcd", "efgh"]


def test_sentence():
    assert chunks("the cat sat on a very long mat", 10) == ["the cat", "sat on a", "very long", "mat"]


def test_numbered():
    assert numbered("one two three", 8) == ["(1/2) one two", "(2/2) three"]


def test_bad_size():
    with pytest.raises(ValueError):
        chunks("x", 0)
