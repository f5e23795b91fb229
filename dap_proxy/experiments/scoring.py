"""Combining the evidence into one ranking, one suggestion per line.

The score of a line (all experiments on):
    score = 0.60 * fix + 0.15 * sensitivity + 0.20 * ochiai + 0.05 * prior
- fix: the best mutant of the line, naturalness(m) * fixed/F * 1/(1 + 2*broken): a small change that
  makes failing tests pass without breaking passing ones is the strongest signal there is (MUSE);
  naturalness keeps a compensating change (say `+ 1` on a return far downstream) below the real slip.
- sensitivity: Metallaxis-style, the largest share of failing tests whose outcome or failure
  changed under one mutant of the line (the failure depends on this line).
- ochiai: spectrum suspiciousness; prior: static likelihood (priors.py); plus W_CRASH for the
  project line where the interpreter raised (not an explicit `raise`: that reports, it is not
  the cause).
Weights of disabled experiments are dropped; with only `spectra` the score is plain Ochiai (no
priors), the scoreboard's baseline. Ties are broken by evidence: fix, ochiai, failing tests that ran
the line, prior, the line's proximity to the failure; line order only when all of these are equal.

Hypothesis probabilities are not decided here: beliefs.py folds the same mutant verdicts into
the shared hypotheses with `dap_proxy.hypotheses.probability.update`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from dap_proxy.analysis.line_priors import LinePrior
from dap_proxy.analysis.mutants import Mutant
from dap_proxy.experiments.spectra import LineSpectrum, dstar, ochiai, tarantula

W_FIX, W_SENSITIVITY, W_OCHIAI, W_PRIOR = 0.60, 0.15, 0.20, 0.05
W_RACE = 0.3
W_CRASH = 0.05


class MutantOutcome(BaseModel):
    mutant: Mutant
    tests_run: int
    fixed: int
    broken: int
    changed: int
    failing_total: int  # failing tests of the original run (F)
    passing_run: int  # passing tests that were run with this mutant
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def fix_value(self) -> float:
        if self.fixed == 0 or self.failing_total == 0:
            return 0.0
        share = self.fixed / self.failing_total
        return self.mutant.naturalness * share / (1.0 + 2.0 * self.broken)

    @property
    def sensitivity(self) -> float:
        if self.failing_total == 0:
            return 0.0
        return min(1.0, (self.fixed + self.changed) / self.failing_total)

    @property
    def verdict(self) -> str:
        if self.timed_out:
            return "timed out"
        if self.fixed and self.fixed == self.failing_total and not self.broken:
            return "fixed"
        if self.fixed and not self.broken:
            return "partial fix"
        if self.fixed:
            return "fix breaks passing tests"
        if self.changed:
            return "failure changed"
        if self.broken:
            return "broke passing tests"
        return "no effect"


class LineEvidence(BaseModel):
    file: str
    line: int
    spectrum: LineSpectrum
    prior: LinePrior | None = None
    outcomes: list[MutantOutcome] = Field(default_factory=list)
    crash_distance: int = 99  # frames between this line and the failure point (0 = crash line)
    score: float = 0.0

    @property
    def ochiai(self) -> float:
        return ochiai(self.spectrum)

    @property
    def dstar(self) -> float:
        return dstar(self.spectrum)

    @property
    def tarantula(self) -> float:
        return tarantula(self.spectrum)

    @property
    def best_fix(self) -> MutantOutcome | None:
        fixes = [o for o in self.outcomes if o.fix_value > 0]
        if not fixes:
            return None
        return max(fixes, key=lambda o: (o.fix_value, o.mutant.naturalness, -o.broken))

    @property
    def fix(self) -> float:
        best = self.best_fix
        return best.fix_value if best else 0.0

    @property
    def sensitivity(self) -> float:
        return max((o.sensitivity for o in self.outcomes), default=0.0)

    @property
    def prior_value(self) -> float:
        return self.prior.prior if self.prior else 0.0

    def base_score(self) -> float:
        """Before any mutant ran: the order in which lines are tried."""
        return self.ochiai + 0.25 * self.prior_value + (0.05 if self.crash_distance == 0 else 0)


def combine(
    evidence: list[LineEvidence], experiments: set[str], intermittent: bool = False
) -> list[LineEvidence]:
    """Score every line and return them best first. For an intermittent failure (outcomes vary
    between identical runs) mutants are not tried and spectra hardly separate lines, so the
    lines that synchronize threads or touch shared state get a large boost (W_RACE)."""
    plain = experiments <= {"spectra"}
    mutating = bool(experiments & {"perturbation", "predicate"})
    for item in evidence:
        if plain:
            item.score = item.ochiai
            continue
        score = 0.0
        if mutating:
            score += W_FIX * item.fix + W_SENSITIVITY * item.sensitivity
        if "spectra" in experiments or "repetition" in experiments:
            score += W_OCHIAI * item.ochiai
        if "static" in experiments:
            score += W_PRIOR * item.prior_value
            if item.prior is not None and "raise" in item.prior.tags:
                score *= 0.8  # an explicit raise reports the problem; the cause is elsewhere
            if item.crash_distance == 0 and not (item.prior and "raise" in item.prior.tags):
                score += W_CRASH  # the interpreter failed here (not an explicit raise)
            if intermittent and item.prior is not None:
                score += W_RACE * item.prior.concurrency
        item.score = score
    if plain:
        return sorted(evidence, key=lambda e: (-e.score, e.file, e.line))
    return sorted(
        evidence,
        key=lambda e: (
            -round(e.score, 9),
            -e.fix,
            -e.ochiai,
            -e.spectrum.ef,
            -e.prior_value,
            e.crash_distance,
            e.file,
            e.line,
        ),
    )
