"""The localize hypotheses in the shared vocabulary, updated by the experiments
(experiments/beliefs.py over dap_proxy.hypotheses.probability)."""

from __future__ import annotations

from dap_proxy.analysis.line_priors import LinePrior
from dap_proxy.analysis.mutants import Mutant
from dap_proxy.experiments.beliefs import build_hypotheses
from dap_proxy.experiments.models import Suggestion
from dap_proxy.experiments.scoring import LineEvidence, MutantOutcome
from dap_proxy.experiments.spectra import LineSpectrum
from dap_proxy.hypotheses.models import (
    MIN_OTHER,
    BugPattern,
    EvidenceSource,
    Hypothesis,
    HypothesisStatus,
)


def _line(line: int, text: str) -> LineEvidence:
    return LineEvidence(
        file="a.py",
        line=line,
        spectrum=LineSpectrum(ef=2, ep=2, nf=0, np=4),
        prior=LinePrior(prior=0.3, text=text, tags=["comparison"]),
    )


def _outcome(line: int, fixed: int, original: str = "<", replacement: str = "<=") -> MutantOutcome:
    mutant = Mutant(
        file="a.py", line=line, operator="compare", original=original, replacement=replacement,
        naturalness=0.9,
    )  # fmt: skip
    return MutantOutcome(
        mutant=mutant, tests_run=4, fixed=fixed, broken=0, changed=0, failing_total=2,
        passing_run=2,
    )  # fmt: skip


def _suggestion(item: LineEvidence) -> Suggestion:
    return Suggestion(file=item.file, line=item.line, score=0.5, reason="test")


def test_a_full_fix_confirms_and_inert_mutants_contradict() -> None:
    lines = [_line(4, "if i < n:"), _line(6, "total = 0"), _line(8, "return total")]
    lines[0].outcomes.append(_outcome(4, fixed=2))
    lines[1].outcomes.append(_outcome(6, fixed=0, original="0", replacement="1"))
    found = build_hypotheses(lines, [_suggestion(i) for i in lines], 2, "pytest -q")

    assert [h.id for h in found] == ["H1", "H2", "H3"]
    fixed, inert, untried = found
    assert isinstance(fixed, Hypothesis)
    assert fixed.status == HypothesisStatus.CONFIRMED
    assert fixed.pattern == BugPattern.OFF_BY_ONE
    assert "`if i < n:`" in fixed.statement and "`<` should likely be `<=`" in fixed.statement
    experiment = [e for e in fixed.supporting_evidence if e.source == EvidenceSource.EXPERIMENT]
    assert experiment and "perturbation experiment on line 4" in experiment[0].observation
    assert any("`<` -> `<=`" in step for step in fixed.testing_approach)
    assert fixed.falsification_criteria and fixed.locations[0].code == "if i < n:"
    assert inert.contradicting_evidence and inert.status == HypothesisStatus.OPEN
    assert not untried.contradicting_evidence
    assert fixed.probability > untried.probability > inert.probability
    assert sum(h.probability for h in found) <= 100 - MIN_OTHER
