import pytest

from query import build_query, first, parse_query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a=1&b=2", {"a": ["1"], "b": ["2"]}),
        ("?tag=x&tag=y", {"tag": ["x", "y"]}),
        ("q=hello+world&lang=en%2Dgb", {"q": ["hello world"], "lang": ["en-gb"]}),
        ("", {}),
        ("a=1&&b=", {"a": ["1"], "b": [""]}),
        ("debug&page=2", {"debug": [""], "page": ["2"]}),
        ("x=a%3Db", {"x": ["a=b"]}),
    ],
)
def test_parse_query(query, expected):
    assert parse_query(query) == expected


def test_first_present():
    assert first("sort=asc&sort=desc", "sort") == "asc"


def test_first_missing_uses_default():
    assert first("verbose&sort=asc", "page", "1") == "1"


def test_build_round_trip():
    params = {"name": ["Ann Lee"], "k": ["a&b", "c"]}
    assert parse_query(build_query(params)) == params
