"""Injected probes as debugpy breakpoints: the guard that keeps a raising expression from
pausing the program, the tag that routes their output, and the safety check on expressions."""

from __future__ import annotations

import pytest

from dap_proxy.live.probes import (
    LiveProbe,
    UnsafeProbe,
    check_expressions,
    expressions_of_message,
    guard,
    in_hot_loop,
    read_tagged,
    to_placed,
)


def probe(**fields: object) -> LiveProbe:
    return LiveProbe(**{"id": "p7", "file": "/w/cart.py", "line": 28, **fields})  # type: ignore[arg-type]


def test_a_logpoint_is_tagged_and_guarded_by_its_hit_condition() -> None:
    placed = to_placed(probe(expressions=["count", "items[0]"], budget=50))
    bp = placed.breakpoint
    assert bp["logMessage"] == (
        "@@sd:p7@{__import__('time').perf_counter()}@@{repr(count)[:200]}\x1f{repr(items[0])[:200]}"
    )
    # every name the message reads is in the guard: one that raises makes the hit "not hit"
    assert bp["hitCondition"] == "@HIT@ <= 50 and ((count, items[0], __import__,) or True)"
    assert "condition" not in bp  # a raising condition would pause the program
    assert placed.stops is False and placed.key == "p7"


def test_a_snapshot_stops_only_where_its_condition_holds() -> None:
    placed = to_placed(
        probe(kind="snapshot", condition="count >= 10", hit_condition="%2", budget=3)
    )
    assert placed.stops is True and "logMessage" not in placed.breakpoint
    assert guard(placed_probe := probe(condition="count >= 10", hit_condition="%2", budget=3)) == (
        "@HIT@ %2 == 0 and (count >= 10) and ((__import__,) or True)"
    )
    assert placed_probe.id == "p7"


def test_tagged_output_is_read_back_in_expression_order() -> None:
    assert read_tagged("@@sd:p7@@10\x1f'a\\x1fb'\n") == ("p7", ["10", "'a\\x1fb'"], None)
    assert read_tagged("@@sd:p2@@\n") == ("p2", [], None)
    # the program's clock, logged with the values
    assert read_tagged("@@sd:p3@5021.25@@7\n") == ("p3", ["7"], 5021.25)
    assert read_tagged("@@sd:p3@1e-05@@\n") == ("p3", [], 1e-05)
    assert read_tagged("name 'x' is not defined\n") is None
    assert read_tagged("@@sd:p1 broken") is None


def test_message_expressions_once_each() -> None:
    assert expressions_of_message("a={a} b={ b } again {a}") == ["a", "b"]


@pytest.mark.parametrize(
    "expr",
    [
        "os.system('rm -rf /')",
        "__import__('os')",
        "x.__class__.__subclasses__()",
        "(y := 3)",
        "open('f', 'w')",
        "[n for n in items]",
        "lambda: 1",
        "print(x)",
        "len(*args)",
        "getattr(obj, 'x')",
        "items.append(1)",
        "__builtins__",
    ],
)
def test_hostile_or_side_effecting_expressions_are_refused(expr: str) -> None:
    with pytest.raises(UnsafeProbe, match="not a safe expression"):
        check_expressions(probe(expressions=[expr]))


def test_reading_and_whitelisted_builtins_are_allowed() -> None:
    check_expressions(
        probe(
            expressions=["len(items) > 3", "repr(user.name)", "d['k'][0] + 1"],
            condition="isinstance(x, int) and x >= 0",
            hit_condition=">=3",
        )
    )
    with pytest.raises(UnsafeProbe, match="hit condition"):
        check_expressions(probe(hit_condition="x > 3"))


def test_a_hot_loop_is_ten_hits_within_fifty_ms_of_the_programs_clock() -> None:
    assert in_hot_loop(probe(hits=10), first=100.0, now=100.02)
    assert not in_hot_loop(probe(hits=9), first=100.0, now=100.001)  # not yet ten
    assert not in_hot_loop(probe(hits=10), first=100.0, now=100.2)  # a slower loop keeps it
    assert not in_hot_loop(probe(hits=10), first=None, now=100.0)
    # a budget the user raised is read hit by hit; a smaller one may go early
    assert not in_hot_loop(probe(hits=10, budget=1000), first=100.0, now=100.001)
    assert in_hot_loop(probe(hits=10, budget=25), first=100.0, now=100.001)
