"""error_signature: equal for the same bug seen differently, different for different bugs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure
from dap_proxy.analysis.traceback import (
    error_signature,
    normalise_message,
    parse_failure,
    signature_parts,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "tracebacks"


def _signature(name: str) -> str:
    return error_signature(parse_failure((DATA / name).read_text()))


def test_same_failure_in_every_pytest_shape_has_one_signature() -> None:
    shapes = {_signature(f"pytest_tb_{s}.txt") for s in ("auto", "long", "short", "native")}
    assert len(shapes) == 1
    assert len(shapes.pop()) == 16


def test_same_traceback_from_a_container_and_an_issue_has_one_signature() -> None:
    assert _signature("py_keyerror.txt") == _signature("issue_docker_paths.txt")
    assert _signature("py_keyerror.txt") == _signature("issue_with_traceback.txt")


def test_line_numbers_values_and_addresses_do_not_change_it() -> None:
    text = (DATA / "py_chained_context.txt").read_text()
    moved = text.replace("line 8,", "line 81,").replace("0x7f", "0x55").replace("8080", "9090")
    assert error_signature(parse_failure(text)) == error_signature(parse_failure(moved))


def test_different_bugs_differ() -> None:
    names = ["py_simple.txt", "py_keyerror.txt", "py_chained_cause.txt", "node_uncaught.txt"]
    assert len({_signature(n) for n in names}) == len(names)


def test_a_different_function_changes_it() -> None:
    text = (DATA / "py_simple.txt").read_text()
    assert error_signature(parse_failure(text)) != error_signature(
        parse_failure(text.replace("in average_price", "in median_price"))
    )


def test_parts_use_project_frames_innermost_first() -> None:
    parts = signature_parts(parse_failure((DATA / "py_stdlib.txt").read_text()))
    assert parts.type == "JSONDecodeError"
    assert parts.functions == ["read_settings", "<module>"]  # json's own frames left out
    assert parts.message == (
        "Expecting property name enclosed in double quotes: line <num> column <num> (char <num>)"
    )


@pytest.mark.parametrize(
    "message,expected",
    [
        ("KeyError 'widget-42'", "KeyError <str>"),
        ('bad config at 0x7fe843d88370: "{x}"', "bad config at <hex>: <str>"),
        ("No such file: /srv/app/data/config.yml", "No such file: <path>"),
        ("timeout after 30.5s on port 5432", "timeout after <num>s on port <num>"),
        ("id 2f1c5a8e-1b2c-4d3e-8f9a-0b1c2d3e4f5a missing", "id <uuid> missing"),
        ("item0 != item2", "item0 != item2"),  # digits inside names are part of the name
        ("first line\nsecond line", "first line"),
    ],
)
def test_normalise_message(message: str, expected: str) -> None:
    assert normalise_message(message) == expected


def test_empty_failure_has_no_signature() -> None:
    assert error_signature(ParsedFailure()) == ""
    only_frames = ParsedFailure(
        exceptions=[ExceptionInfo(type="ValueError", frames=[Frame(file="a.py", function="f")])]
    )
    assert error_signature(only_frames) != ""


@pytest.mark.parametrize(
    "names",
    [
        ("py_simple.txt", "py38_simple.txt", "py313_simple.txt"),
        ("py_chained_cause.txt", "py38_chained_cause.txt", "py313_chained_cause.txt"),
        ("py_keyerror.txt", "py313_keyerror_color.txt"),
        ("py_simple.txt", "ipython_simple.txt"),
        ("py_keyerror.txt", "rich_keyerror.txt"),
        ("py_chained_cause.txt", "rich_chained_cause.txt"),
        ("py_chained_cause.txt", "ipython_chained_cause.txt"),
        ("py_syntax_error.txt", "py313_syntax_error.txt", "ipython_syntax_error.txt"),
        ("pytest_tb_auto.txt", "pytest_verbose_color.txt"),
    ],
)
def test_same_bug_under_other_pythons_and_colours_has_one_signature(names: tuple[str]) -> None:
    assert len({_signature(n) for n in names}) == 1


def test_library_frames_are_left_out_even_when_not_marked() -> None:
    frames = [
        Frame(file="/app/src/cart.py", function="checkout"),
        Frame(file="/usr/lib/python3.11/json/decoder.py", function="decode"),
    ]
    failure = ParsedFailure(exceptions=[ExceptionInfo(type="ValueError", frames=frames)])
    assert signature_parts(failure).functions == ["checkout"]


def test_syntax_errors_in_different_files_differ() -> None:
    text = (DATA / "py_syntax_error.txt").read_text()
    other = text.replace("py_syntax_error.py", "settings.py")
    assert signature_parts(parse_failure(text)).functions == ["py_syntax_error.py"]
    assert error_signature(parse_failure(text)) != error_signature(parse_failure(other))
