import pytest

from csvline import CsvError, parse, split_record


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("a,b,c", ["a", "b", "c"]),
        ("a,,c", ["a", "", "c"]),
        ("", [""]),
        ('"x,y",z', ["x,y", "z"]),
        ('"say ""hi""",2', ['say "hi"', "2"]),
        ('1,"two"', ["1", "two"]),
        ('5" disk,ok', ['5" disk', "ok"]),
    ],
)
def test_split_record(line, fields):
    assert split_record(line) == fields


def test_semicolon_separator():
    assert split_record("a;b,c;d", sep=";") == ["a", "b,c", "d"]


def test_unclosed_quote():
    with pytest.raises(CsvError):
        split_record('"abc,d')


def test_parse_with_header():
    text = "name,qty\nbolt,4\nnut,10\n"
    assert parse(text) == [{"name": "bolt", "qty": "4"}, {"name": "nut", "qty": "10"}]


def test_parse_quoted_values():
    text = 'name,note\n"Smith, J","ok"\n'
    assert parse(text) == [{"name": "Smith, J", "note": "ok"}]
