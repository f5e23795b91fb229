import pytest

from words import frequencies, tokens, top, vocabulary_size


def test_tokens_keep_apostrophes():
    assert tokens("don't stop, it's fine") == ["don't", "stop", "it's", "fine"]


def test_lowercase_counts():
    assert frequencies("red blue red green red blue") == {"red": 3, "blue": 2, "green": 1}


def test_stopwords_skipped():
    assert frequencies("the cat and the hat") == {"cat": 1, "hat": 1}


def test_case_folded():
    assert frequencies("Apple apple APPLE") == {"apple": 3}


def test_quotes_stripped():
    assert frequencies("'tis 'tis") == {"tis": 2}


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("b x b c x b", 2, [("b", 3), ("x", 2)]),
        ("one two two three three three", 1, [("three", 3)]),
        ("Go go GO stop Stop", 2, [("go", 3), ("stop", 2)]),
    ],
)
def test_top(text, n, expected):
    assert top(text, n) == expected


def test_vocabulary_counts_stopwords():
    assert vocabulary_size("The the a cat") == 3
