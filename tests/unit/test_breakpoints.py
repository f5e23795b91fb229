"""The breakpoints room's pure parts, without streams: merging the proxy's breakpoints into an
editor's list and splitting the answer by position, hit conditions with the DAP specification's
AND semantics, and breakpoint ids as the editor would have had them."""

from __future__ import annotations

import pytest

from dap_proxy.breakpoints.hits import HitCounter, counted_by_proxy, hit_test
from dap_proxy.breakpoints.ids import IdMap
from dap_proxy.breakpoints.merge import Placed, merge, split_response


def placed(key: str, line: int, **fields: object) -> Placed:
    return Placed(key=key, path="/w/a.py", breakpoint={"line": line, **fields})


def test_ours_go_after_the_editors_and_come_back_out_by_position() -> None:
    user = [{"line": 9, "condition": "x > 1"}, {"line": 3}]
    sent, plan = merge(user, [placed("p1", 5, logMessage="m"), placed("p2", 7)])
    assert [bp["line"] for bp in sent] == [9, 3, 5, 7]
    assert sent[:2] == user  # the editor's, untouched and in its order
    answer = [{"id": n, "line": line, "verified": True} for n, line in enumerate([9, 3, 5, 7])]
    mine, ours = split_response(answer, plan)
    assert [bp["line"] for bp in mine] == [9, 3]
    assert [(p.key, a["id"]) for p, a in ours] == [("p1", 2), ("p2", 3)]


def test_a_line_the_editor_holds_is_left_to_the_editor_and_removed_ones_stay_out() -> None:
    gone = placed("p3", 6)
    gone.removed = True
    sent, plan = merge([{"line": 5}], [placed("p1", 5), placed("p2", 8), gone])
    assert [bp["line"] for bp in sent] == [5, 8]
    assert [p.key for p in plan.left_out] == ["p1"]
    assert [p.key for p in plan.placed] == ["p2"]


def test_condition_and_hit_condition_are_counted_by_the_proxy() -> None:
    both = {"line": 4, "condition": "i % 2 == 0", "hitCondition": "2"}
    sent, plan = merge([both, {"line": 6, "hitCondition": "3"}], [])
    assert sent[0] == {"line": 4, "condition": "i % 2 == 0"}  # debugpy gets the condition only
    assert sent[1] == {"line": 6, "hitCondition": "3"}  # debugpy counts this one as before
    assert plan.counted == {0: "2"}
    assert not counted_by_proxy({"condition": "x", "hitCondition": "@HIT@ > x"})


@pytest.mark.parametrize(
    ("form", "due"),
    [
        ("5", [5]),
        ("==2", [2]),
        (">7", [8, 9]),
        (">=8", [8, 9]),
        ("<3", [1, 2]),
        ("<=2", [1, 2]),
        ("%3", [3, 6, 9]),
        (" > 8 ", [9]),
    ],
)
def test_hit_condition_forms_pydevd_accepts(form: str, due: list[int]) -> None:
    test = hit_test(form)
    assert test is not None
    assert [n for n in range(1, 10) if test(n)] == due


def test_unknown_forms_are_left_to_debugpy() -> None:
    assert hit_test("@HIT@ > 2") is None and hit_test("x") is None


def test_a_counter_says_which_condition_true_stops_the_editor_sees() -> None:
    counter = HitCounter("2")
    assert [counter.hit() for _ in range(4)] == [False, True, False, False]
    with pytest.raises(ValueError, match="not a hit condition the proxy can count"):
        HitCounter("i > 2")


def test_ids_are_the_ones_the_editor_would_have_had_without_ours() -> None:
    ids = IdMap()
    # the editor's first request: debugpy numbers its 2 breakpoints 0, 1 and our 1 probe 2
    assert ids.new_ids(2, first_adapter_id=0) == [0, 1]
    ids.note_extra(1)
    # our own request for another source took id 3; the editor's next breakpoint gets 4 from
    # debugpy but would have had 2 without us
    ids.note_extra(1)
    assert ids.new_ids(1, first_adapter_id=4) == [2]
    ids.link(4, 2)
    assert ids.to_editor(4) == 2 and ids.to_editor(3) is None


def test_the_first_virtual_id_discounts_what_debugpy_gave_us_before() -> None:
    ids = IdMap()
    ids.note_extra(3)  # our breakpoints were set before the editor set any
    assert ids.new_ids(2, first_adapter_id=3) == [0, 1]
