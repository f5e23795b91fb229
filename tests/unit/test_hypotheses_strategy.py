"""The brief's strategy decision matrix as a table, and how flags are derived from pasted text."""

from __future__ import annotations

from pathlib import Path

import pytest

from dap_proxy.hypotheses.context import build_context
from dap_proxy.hypotheses.models import StrategyFlags, StrategyName
from dap_proxy.hypotheses.strategy import MATRIX, score_flags, select_strategy

INT, OBS, TT, CH, ST = (
    StrategyName.INTERACTIVE,
    StrategyName.OBSERVABILITY,
    StrategyName.TIME_TRAVEL,
    StrategyName.CHAOS,
    StrategyName.STATISTICAL,
)

# flags set -> (expected top two, expected full score table)
TABLE = [
    ({"reproducible_locally"}, (INT, TT), {INT: 40, TT: 30, OBS: 0, CH: 0, ST: 0}),
    ({"production_only"}, (OBS, TT), {OBS: 50, INT: -30, TT: 0, CH: 0, ST: 0}),
    ({"state_complex"}, (TT, INT), {TT: 40, INT: 20, OBS: 0, CH: 0, ST: 0}),
    ({"intermittent"}, (ST, CH), {ST: 45, CH: 35, INT: 0, OBS: 0, TT: 0}),
    ({"under_load"}, (CH, OBS), {CH: 40, OBS: 30, INT: 0, TT: 0, ST: 0}),
    ({"reproducible_locally", "state_complex"}, (TT, INT), {TT: 70, INT: 60, OBS: 0, CH: 0, ST: 0}),
    ({"intermittent", "under_load"}, (CH, ST), {CH: 75, ST: 45, OBS: 30, INT: 0, TT: 0}),
    ({"production_only", "under_load"}, (OBS, CH), {OBS: 80, CH: 40, INT: -30, TT: 0, ST: 0}),
    (
        {"production_only", "intermittent", "under_load"},
        (OBS, CH),
        {OBS: 80, CH: 75, ST: 45, INT: -30, TT: 0},
    ),
    (
        set(),
        (INT, OBS),
        {INT: 0, OBS: 0, TT: 0, CH: 0, ST: 0},
    ),  # no signal: the brief's order breaks ties
]


@pytest.mark.parametrize(
    ("flags", "top", "scores"), TABLE, ids=["+".join(sorted(f)) or "none" for f, _, _ in TABLE]
)
def test_decision_matrix(
    flags: set[str], top: tuple[StrategyName, ...], scores: dict[StrategyName, int]
) -> None:
    choice = score_flags(StrategyFlags(**dict.fromkeys(flags, True)))
    assert tuple(s.name for s in choice.top) == top
    assert {s.name: s.score for s in choice.scores} == scores
    assert choice.primary == top[0]
    for s in choice.top:
        assert len(s.reasons) == sum(1 for f in flags if s.name in MATRIX[f])


def test_matrix_is_the_briefs() -> None:
    assert MATRIX == {
        "reproducible_locally": {INT: 40, TT: 30},
        "production_only": {OBS: 50, INT: -30},
        "state_complex": {TT: 40, INT: 20},
        "intermittent": {ST: 45, CH: 35},
        "under_load": {CH: 40, OBS: 30},
    }


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "failures"
TRACEBACK = f'''Traceback (most recent call last):
  File "{EXAMPLES}/ratings.py", line 13, in <module>
    print(name, average_rating(reviews))
  File "{EXAMPLES}/ratings.py", line 7, in average_rating
    return total / count
ZeroDivisionError: division by zero
'''


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TRACEBACK, {"reproducible_locally"}),
        (
            "Checkout fails only in production with ZeroDivisionError, works locally.",
            {"production_only"},
        ),
        (
            "Flaky: the export fails sometimes under heavy load (2000 rps), ValueError.",
            {"intermittent", "under_load"},
        ),
        (
            "After a while the cache serves stale prices. Steps to reproduce: run `make demo`.",
            {"state_complex", "reproducible_locally"},
        ),
        ("It hangs. Python 3.11.", set()),
    ],
)
def test_flags_derived_from_text_and_frames(text: str, expected: set[str]) -> None:
    context = build_context(text, EXAMPLES)
    flags = context.flags
    assert {name for name in MATRIX if getattr(flags, name)} == expected
    assert set(flags.reasons) == expected  # every flag says why


def test_state_flag_from_the_code_on_the_path() -> None:
    text = TRACEBACK.replace("ratings.py", "price_cache.py")
    choice = select_strategy(build_context(text, EXAMPLES))
    assert choice.flags.state_complex
    assert any("_price_cache" in r for r in choice.flags.reasons["state_complex"])
    assert [s.name for s in choice.top] == [TT, INT]
