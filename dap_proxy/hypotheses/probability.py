"""Coherent probabilities for the hypotheses of one failure, and the Bayesian-style update the
experiments room calls after each observation.

The rule: probabilities are percentages. The hypotheses of one failure are treated as mutually
exclusive explanations plus an implicit "other explanation" share, so their sum is at most
`100 - MIN_OTHER` and `other_probability()` is the explicit remainder. `update()` multiplies each
prior by the evidence's likelihood ratio for that hypothesis (P(evidence | H) relative to the other
explanations; hypotheses the evidence says nothing about, and "other", keep ratio 1), then
renormalises the whole set to 100 and re-applies the `MIN_OTHER` floor. A confirmed hypothesis
that another one's evidence pulls under `CONFIRMED_ABOVE` goes back to supported: two competing
explanations cannot both be confirmed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from dap_proxy.hypotheses.models import (
    MIN_OTHER,
    Evidence,
    Hypothesis,
    HypothesisStatus,
)

REFUTING_RATIO = 0.1  # a ratio at or below this counts as a falsification criterion met...
REFUTED_BELOW = 5.0  # ...once the posterior has also fallen below this percentage
CONFIRMING_RATIO = 10.0  # an experiment this decisive...
CONFIRMED_ABOVE = 80.0  # ...that leaves the hypothesis above this percentage confirms it


def _floor1(value: float) -> float:
    """Round down to 0.1 so rounding never pushes a sum over its bound."""
    return math.floor(value * 10 + 1e-9) / 10


def other_probability(hypotheses: Sequence[Hypothesis]) -> float:
    """The explicit "some other explanation" share: what the hypotheses leave of 100 %."""
    return round(max(0.0, 100.0 - sum(h.probability for h in hypotheses)), 1)


def normalise(hypotheses: Sequence[Hypothesis]) -> list[Hypothesis]:
    """Copies scaled so the set sums to at most `100 - MIN_OTHER` (a set already within the
    bound keeps its numbers, so "other" takes the rest)."""
    total = sum(h.probability for h in hypotheses)
    cap = 100.0 - MIN_OTHER
    scale = cap / total if total > cap else 1.0
    return [
        h.model_copy(update={"probability": _floor1(h.probability * scale)}) for h in hypotheses
    ]


def rank(hypotheses: Sequence[Hypothesis]) -> list[Hypothesis]:
    """Most probable first; refuted ones last (stable for ties)."""
    return sorted(
        hypotheses,
        key=lambda h: (h.status == HypothesisStatus.REFUTED, -h.probability),
    )


def update(
    hypotheses: Sequence[Hypothesis],
    evidence: Evidence,
    likelihood_ratio: float | Mapping[str, float],
) -> list[Hypothesis]:
    """Fold one evidence item into the set and return updated copies (same order).

    `likelihood_ratio` is either one ratio for the hypothesis the evidence names
    (`evidence.hypothesis_id`) or a mapping hypothesis id -> ratio. A ratio above 1 supports
    (the evidence joins `supporting_evidence`), below 1 contradicts, 0 rules the hypothesis out.
    """
    if isinstance(likelihood_ratio, Mapping):
        ratios = dict(likelihood_ratio)
    else:
        if evidence.hypothesis_id is None:
            raise ValueError(
                "a single likelihood ratio needs evidence.hypothesis_id; "
                "pass a mapping {hypothesis_id: ratio} to update several"
            )
        ratios = {evidence.hypothesis_id: float(likelihood_ratio)}
    known = {h.id for h in hypotheses}
    unknown = sorted(set(ratios) - known)
    if unknown:
        raise ValueError(f"no hypothesis with id {', '.join(unknown)} in this set")
    bad = {k: v for k, v in ratios.items() if not (v >= 0 and math.isfinite(v))}
    if bad:
        raise ValueError(f"likelihood ratios must be finite and >= 0, got {bad}")

    weights = [h.probability * ratios.get(h.id, 1.0) for h in hypotheses]
    other = other_probability(hypotheses)
    total = sum(weights) + other
    # When everything is ruled out (total 0) all the mass goes to "other".
    posteriors = [100.0 * w / total if total > 0 else 0.0 for w in weights]

    updated: list[Hypothesis] = []
    for h, posterior in zip(hypotheses, posteriors, strict=True):
        ratio = ratios.get(h.id)
        changes: dict[str, object] = {"probability": posterior}
        if ratio is not None:
            item = evidence.model_copy(update={"hypothesis_id": h.id})
            if ratio > 1.0:
                changes["supporting_evidence"] = [*h.supporting_evidence, item]
            elif ratio < 1.0:
                changes["contradicting_evidence"] = [*h.contradicting_evidence, item]
            changes["status"] = _status_after(h.status, ratio, posterior, evidence)
        elif h.status == HypothesisStatus.CONFIRMED and posterior < CONFIRMED_ABOVE:
            # The hypotheses are mutually exclusive: once evidence for another one pulls this
            # one under the bar, its own evidence still stands but it is no longer confirmed.
            changes["status"] = HypothesisStatus.SUPPORTED
        updated.append(h.model_copy(update=changes))
    return normalise(updated)


def _status_after(
    status: HypothesisStatus, ratio: float, posterior: float, evidence: Evidence
) -> HypothesisStatus:
    if ratio == 0 or (ratio <= REFUTING_RATIO and posterior < REFUTED_BELOW):
        return HypothesisStatus.REFUTED
    if ratio >= CONFIRMING_RATIO and posterior >= CONFIRMED_ABOVE:
        return HypothesisStatus.CONFIRMED
    if status == HypothesisStatus.CONFIRMED and ratio >= 1.0:
        return status
    if ratio > 1.0:
        return HypothesisStatus.SUPPORTED
    if ratio < 1.0 and status in (HypothesisStatus.SUPPORTED, HypothesisStatus.CONFIRMED):
        return HypothesisStatus.OPEN  # contradicted: back to undecided
    return status
