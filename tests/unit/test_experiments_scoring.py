"""Combining evidence into a ranking (experiments/scoring.py)."""

from __future__ import annotations

from dap_proxy.analysis.line_priors import LinePrior
from dap_proxy.analysis.mutants import Mutant
from dap_proxy.experiments.models import ALL_EXPERIMENTS
from dap_proxy.experiments.scoring import LineEvidence, MutantOutcome, combine
from dap_proxy.experiments.spectra import LineSpectrum


def _line(line: int, ef: int, ep: int, prior: float = 0.3) -> LineEvidence:
    return LineEvidence(
        file="a.py",
        line=line,
        spectrum=LineSpectrum(ef=ef, ep=ep, nf=2 - ef, np=6 - ep),
        prior=LinePrior(prior=prior),
    )


def _outcome(line: int, fixed: int, broken: int = 0, naturalness: float = 1.0) -> MutantOutcome:
    mutant = Mutant(
        file="a.py", line=line, operator="compare", original="<", replacement="<=",
        naturalness=naturalness,
    )  # fmt: skip
    return MutantOutcome(
        mutant=mutant, tests_run=4, fixed=fixed, broken=broken, changed=0, failing_total=2,
        passing_run=2,
    )  # fmt: skip


def test_a_clean_fix_outranks_a_higher_ochiai() -> None:
    crash = _line(10, ef=2, ep=0, prior=1.0)
    fault = _line(4, ef=2, ep=4)
    fault.outcomes.append(_outcome(4, fixed=2))
    ranked = combine([crash, fault], set(ALL_EXPERIMENTS))
    assert [e.line for e in ranked] == [4, 10]


def test_a_fix_that_breaks_passing_tests_counts_less() -> None:
    clean, breaking = _line(3, ef=2, ep=2), _line(7, ef=2, ep=2)
    clean.outcomes.append(_outcome(3, fixed=2, naturalness=0.7))
    breaking.outcomes.append(_outcome(7, fixed=2, broken=2))
    assert [e.line for e in combine([breaking, clean], set(ALL_EXPERIMENTS))] == [3, 7]


def test_spectra_alone_is_plain_ochiai_without_priors() -> None:
    low_prior, high_prior = _line(2, ef=2, ep=1, prior=0.0), _line(9, ef=2, ep=1, prior=1.0)
    only_failing = _line(5, ef=2, ep=0, prior=0.0)
    ranked = combine([high_prior, only_failing, low_prior], {"spectra"})
    assert [e.line for e in ranked] == [5, 2, 9]  # ties in plain Ochiai keep line order
    assert ranked[1].score == ranked[2].score == ranked[1].ochiai


def test_ties_are_broken_by_evidence_not_line_number() -> None:
    a, b = _line(2, ef=2, ep=3), _line(9, ef=2, ep=3)
    b.crash_distance = 0  # the failure surfaces on line 9
    ranked = combine([a, b], {"spectra", "repetition"})
    assert [e.line for e in ranked] == [9, 2]
