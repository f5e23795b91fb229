"""The probability rule: hypotheses of one failure sum to at most 100 - MIN_OTHER, "other" is the
explicit remainder, and `update` is a Bayesian-style multiply-and-renormalise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dap_proxy.hypotheses.models import (
    MIN_OTHER,
    Evidence,
    EvidenceSource,
    Hypothesis,
    HypothesisCategory,
    HypothesisStatus,
)
from dap_proxy.hypotheses.probability import normalise, other_probability, rank, update


def _h(hid: str, p: float, status: HypothesisStatus = HypothesisStatus.OPEN) -> Hypothesis:
    return Hypothesis(
        id=hid, statement=hid, category=HypothesisCategory.LOGIC_ERROR, probability=p, status=status
    )


def _ev(hid: str | None = "H1") -> Evidence:
    return Evidence(
        observation="i == len(items) - 1 at the failure",
        source=EvidenceSource.LOGPOINT,
        hypothesis_id=hid,
    )


def test_supporting_evidence_raises_the_hypothesis_and_lowers_the_rest() -> None:
    before = [_h("H1", 40), _h("H2", 30), _h("H3", 20)]
    after = update(before, _ev(), 4.0)
    assert after[0].probability > 40 and after[1].probability < 30 and after[2].probability < 20
    # the untouched ones keep their ratio (only renormalised)
    assert after[1].probability / after[2].probability == pytest.approx(1.5, rel=0.02)
    assert after[0].status == HypothesisStatus.SUPPORTED
    assert after[0].supporting_evidence[0].observation == _ev().observation
    assert before[0].probability == 40  # inputs are not mutated


def test_exact_bayes_posterior_with_other_as_an_implicit_hypothesis() -> None:
    # priors 50/30 + other 20; ratio 2 on H1 -> 100/30/20 of 150
    after = update([_h("H1", 50), _h("H2", 30)], _ev(), 2.0)
    assert after[0].probability == pytest.approx(100 * 100 / 150, abs=0.1)
    assert other_probability(after) == pytest.approx(100 * 20 / 150, abs=0.2)


def test_zero_ratio_refutes_and_a_decisive_experiment_confirms() -> None:
    refuted = update([_h("H1", 50), _h("H2", 30)], _ev(), 0.0)
    assert refuted[0].probability == 0 and refuted[0].status == HypothesisStatus.REFUTED
    assert refuted[0].contradicting_evidence and not refuted[0].supporting_evidence
    confirmed = update([_h("H1", 60), _h("H2", 20)], _ev(), 50.0)
    assert confirmed[0].status == HypothesisStatus.CONFIRMED
    assert other_probability(confirmed) >= MIN_OTHER


def test_a_confirmed_hypothesis_overtaken_by_a_rival_is_no_longer_confirmed() -> None:
    confirmed = update([_h("H1", 45), _h("H2", 45)], _ev("H1"), 50.0)
    assert confirmed[0].status == HypothesisStatus.CONFIRMED
    overtaken = update(confirmed, _ev("H2"), 50.0)
    assert overtaken[0].probability < 80 and overtaken[0].status == HypothesisStatus.SUPPORTED
    assert overtaken[0].supporting_evidence  # its own evidence still stands
    assert not [
        h for h in overtaken if h.status == HypothesisStatus.CONFIRMED and h.probability < 80
    ]


def test_mapping_of_ratios_updates_several_at_once() -> None:
    after = update([_h("H1", 40), _h("H2", 40)], _ev(None), {"H1": 3.0, "H2": 0.5})
    assert after[0].probability > after[1].probability
    assert after[1].status == HypothesisStatus.OPEN and after[1].contradicting_evidence


def test_contradicted_supported_hypothesis_goes_back_to_open() -> None:
    after = update([_h("H1", 40, HypothesisStatus.SUPPORTED)], _ev(), 0.5)
    assert after[0].status == HypothesisStatus.OPEN


@pytest.mark.parametrize(
    ("ratio", "evidence_id", "message"),
    [
        (2.0, None, "hypothesis_id"),
        ({"H9": 2.0}, None, "H9"),
        (-1.0, "H1", "finite and >= 0"),
        (float("nan"), "H1", "finite and >= 0"),
    ],
)
def test_bad_update_arguments_are_clear_errors(ratio, evidence_id, message) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=message):
        update([_h("H1", 50)], _ev(evidence_id), ratio)


def test_normalise_caps_the_sum_and_keeps_small_sets() -> None:
    capped = normalise([_h("H1", 80), _h("H2", 60)])
    assert sum(h.probability for h in capped) <= 100 - MIN_OTHER
    assert capped[0].probability / capped[1].probability == pytest.approx(80 / 60, rel=0.01)
    kept = normalise([_h("H1", 30), _h("H2", 20)])
    assert [h.probability for h in kept] == [30, 20] and other_probability(kept) == 50


def test_rank_puts_refuted_last() -> None:
    ranked = rank([_h("H1", 60, HypothesisStatus.REFUTED), _h("H2", 10), _h("H3", 30)])
    assert [h.id for h in ranked] == ["H3", "H2", "H1"]


@given(
    priors=st.lists(st.floats(min_value=0, max_value=60), min_size=1, max_size=5),
    ratios=st.lists(st.floats(min_value=0, max_value=1000), min_size=1, max_size=8),
)
def test_any_sequence_of_updates_stays_coherent(priors: list[float], ratios: list[float]) -> None:
    hypotheses = normalise([_h(f"H{i}", p) for i, p in enumerate(priors, 1)])
    for step, ratio in enumerate(ratios):
        target = f"H{step % len(priors) + 1}"
        hypotheses = update(hypotheses, _ev(target), ratio)
        total = sum(h.probability for h in hypotheses)
        assert all(0 <= h.probability <= 100 for h in hypotheses)
        assert total <= 100 - MIN_OTHER + 1e-6
        assert other_probability(hypotheses) == pytest.approx(100 - total, abs=0.06)
