"""How the Anthropic engine's answer is merged with the offline hypotheses (pure functions of
dap_proxy/hypotheses/anthropic_engine.py; no network). Kept next to the engine's end-to-end tests."""

from __future__ import annotations

from dap_proxy.hypotheses.anthropic_engine import AiAnswer, AiHypothesis, AiLocation, merge
from dap_proxy.hypotheses.models import BugPattern, CodeLocation, Hypothesis, HypothesisCategory

FILES = {"cart.py"}


def ai(statement: str, probability: float, **extra: object) -> AiHypothesis:
    return AiHypothesis.model_validate(
        {"statement": statement, "category": "logic_error", "probability": probability, **extra}
    )


def off(hid: str, probability: float, pattern: BugPattern, line: int | None = None) -> Hypothesis:
    return Hypothesis(
        id=hid,
        statement=f"offline {hid}",
        category=HypothesisCategory.LOGIC_ERROR,
        pattern=pattern,
        probability=probability,
        locations=[CodeLocation(file="cart.py", line=line)] if line else [],
    )


def test_without_offline_hypotheses_the_ai_ones_are_numbered_and_normalised() -> None:
    answer = AiAnswer(hypotheses=[ai("first cause here", 80), ai("second cause here", 60)])
    merged = merge([], answer, FILES, limit=5)
    assert [(h.id, h.engine) for h in merged] == [("H1", "anthropic"), ("H2", "anthropic")]
    assert sum(h.probability for h in merged) <= 98
    assert merged[0].probability > merged[1].probability


def test_same_pattern_at_the_same_place_merges_without_same_as() -> None:
    offline = [off("H1", 50, BugPattern.OFF_BY_ONE, 10), off("H2", 30, BugPattern.NULL_HANDLING)]
    answer = AiAnswer(
        hypotheses=[
            ai(
                "loop bound one too far",
                90,
                pattern="off_by_one",
                locations=[AiLocation(file="cart.py", line=11)],
                falsification_criteria=["the last index is never read"],
            )
        ]
    )
    merged = merge(offline, answer, FILES, limit=5)
    assert [h.id for h in merged] == ["H1", "H2"]
    assert merged[0].probability == 70  # (50 + 90) / 2
    assert merged[1].probability == 15  # (30 + 0) / 2
    assert "the last index is never read" in merged[0].falsification_criteria


def test_only_the_first_max_hypotheses_items_are_used() -> None:
    answer = AiAnswer(hypotheses=[ai(f"cause number {i}", 10) for i in range(8)])
    merged = merge([off("H1", 40, BugPattern.UNKNOWN)], answer, FILES, limit=3)
    assert [h.id for h in merged if h.engine == "anthropic"] == ["H2", "H3", "H4"]


def test_a_same_as_pointing_nowhere_adds_a_new_hypothesis() -> None:
    answer = AiAnswer(hypotheses=[ai("something else entirely", 40, same_as="H9")])
    merged = merge([off("H1", 60, BugPattern.WRONG_KEY)], answer, FILES, limit=5)
    assert {h.id for h in merged} == {"H1", "H2"}
