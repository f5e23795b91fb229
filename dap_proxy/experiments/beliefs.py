"""The hypotheses `smart-debug localize` reports, in the project's shared vocabulary
(`dap_proxy.hypotheses.models.Hypothesis`), with probabilities kept by the project's documented
rule (`dap_proxy.hypotheses.probability.update`).

One hypothesis per reported line: "the fault is on this line" (with the change a fixing mutant
suggests, when one did). Priors: the reported lines (the most suspicious lines the failing tests
ran) share `PRIOR_MASS` percent in proportion to their pre-experiment suspiciousness (spectrum,
static prior, crash site); the rest is "some other line or explanation". Then each line's
experiments are folded in as one evidence item (many mutants of one line are one piece of
evidence, not many), weakest first so the decisive item is judged against the field the other
experiments left:
- a mutant fixes every failing test and breaks no passing one: x LR_FULL_FIX times the mutant's
  naturalness (strong support: an unnatural, compensating change proves less; the update rule
  confirms the hypothesis when its posterior ends above its threshold);
- fixes some failing tests, breaks none: x LR_PARTIAL_FIX; fixes but breaks passing tests:
  x LR_FIX_BREAKS; changes how the failing tests fail without breaking a passing one:
  x LR_CHANGED (a mutant that breaks everything changes every failure: that tells nothing);
- no mutant of the line changed any failing test: x LR_NO_EFFECT (contradicting evidence).
The ranking of lines (scoring.py) does not depend on these numbers.
"""

from __future__ import annotations

from dap_proxy.analysis.models import Probe
from dap_proxy.analysis.mutants import Mutant
from dap_proxy.experiments.models import Suggestion
from dap_proxy.experiments.scoring import LineEvidence, MutantOutcome
from dap_proxy.hypotheses.models import (
    BugPattern,
    CodeLocation,
    Evidence,
    EvidenceSource,
    Hypothesis,
    HypothesisCategory,
)
from dap_proxy.hypotheses.probability import normalise, update

PRIOR_MASS = 80.0  # percent shared by the reported lines before any mutant ran
LR_FULL_FIX, LR_PARTIAL_FIX, LR_FIX_BREAKS, LR_CHANGED, LR_NO_EFFECT = 50.0, 4.0, 2.0, 1.5, 0.6
MAX_APPROACHES = 5  # experiments listed per hypothesis in testing_approach
ENGINE = "experiments"

_RATIOS = {
    "fixed": LR_FULL_FIX,
    "partial fix": LR_PARTIAL_FIX,
    "fix breaks passing tests": LR_FIX_BREAKS,
    "failure changed": LR_CHANGED,
}
_INERT = {"no effect", "broke passing tests", "timed out"}
_PATTERNS = {
    "arith": BugPattern.WRONG_OPERATOR,
    "negate": BugPattern.WRONG_OPERATOR,
    "offset": BugPattern.OFF_BY_ONE,
    "name": BugPattern.WRONG_VARIABLE,
    "args": BugPattern.WRONG_VARIABLE,
    "call": BugPattern.WRONG_COMPUTATION,
    "constant": BugPattern.WRONG_COMPUTATION,
    "drop": BugPattern.WRONG_COMPUTATION,
    "insert": BugPattern.MISSING_UPDATE,
}
_BOUNDARY = {("<", "<="), ("<=", "<"), (">", ">="), (">=", ">")}


def hypothesis_text(mutant: Mutant) -> str:
    """What a fixing mutant says the fault is (also the suggestion's `hypothesis` string)."""
    if mutant.operator == "predicate":
        return (
            f"line {mutant.line}: the condition `{mutant.original.strip()}` decides wrongly "
            f"(forcing it to {mutant.replacement} makes the failing tests pass)"
        )
    if mutant.operator == "insert":
        return (
            f"around line {mutant.line}: a statement seems to be missing, likely "
            f"`{mutant.replacement.strip()}`"
        )
    if mutant.operator == "drop":
        return f"line {mutant.line}: `{mutant.original.strip()}` should likely not be there"
    return f"line {mutant.line}: {mutant.description.replace(' -> ', ' should likely be ')}"


def build_hypotheses(
    lines: list[LineEvidence],
    suggestions: list[Suggestion],
    failing: int,
    command: str,
    intermittent: bool = False,
) -> list[Hypothesis]:
    """Hypotheses H1.. for `lines` (best first, aligned with `suggestions`), updated by their
    experiments; returned in the same order."""
    if not lines:
        return []
    weights = [max(item.base_score(), 1e-6) for item in lines]
    total = sum(weights)
    hypotheses = normalise(
        [
            _initial(
                f"H{index + 1}",
                item,
                suggestion,
                PRIOR_MASS * weight / total,
                command,
                failing,
                intermittent,
            )  # fmt: skip
            for index, (item, suggestion, weight) in enumerate(
                zip(lines, suggestions, weights, strict=True)
            )
        ]
    )
    observed = [
        (hypothesis.id, found)
        for hypothesis, item in zip(hypotheses, lines, strict=True)
        if (found := _observation(item, failing)) is not None
    ]
    # weakest evidence first: the decisive update then sees what the others left
    for hid, (evidence, ratio) in sorted(observed, key=lambda entry: entry[1][1]):
        hypotheses = update(hypotheses, evidence.model_copy(update={"hypothesis_id": hid}), ratio)
    return hypotheses


def _initial(
    hid: str,
    item: LineEvidence,
    suggestion: Suggestion,
    probability: float,
    command: str,
    failing: int,
    intermittent: bool,
) -> Hypothesis:
    best = item.best_fix
    code = item.prior.text.strip() if item.prior else ""
    where = f"{item.file}:{item.line}"
    quoted = f" `{code}`" if code else ""
    if best is not None:
        statement = f"{where}{quoted} is the fault: {hypothesis_text(best.mutant)}"
    else:
        changed = _most_telling(item)
        statement = f"the fault is on {where}{quoted}" + (
            f" (changing {changed.mutant.description} changes how the failing tests fail)"
            if changed is not None
            else ""
        )
    s = item.spectrum
    spectrum = Evidence(
        observation=(
            f"per-test coverage of `{command}`: the line ran in {s.ef} of {s.ef + s.nf} failing "
            f"and {s.ep} of {s.ep + s.np} passing tests (Ochiai {item.ochiai:.2f})"
        ),
        source=EvidenceSource.TEST_RUN,
        file=item.file,
        line=item.line,
        value=f"{item.ochiai:.3f}",
        hypothesis_id=hid,
    )
    falsification = [
        f"a failing test fails without running {where}",
        f"no change to {where} alters the outcome of any of the {failing} failing tests",
    ]
    symptoms = [f"every failing test runs {where}"]
    if best is not None:
        falsification.insert(
            0,
            f"with {best.mutant.description} applied on line {item.line}, a failing test still "
            "fails or a passing test fails",
        )
        symptoms.append(f"with {best.mutant.description} applied, the failing tests pass")
    if item.crash_distance == 0:
        symptoms.append("the failure surfaces on this line")
    approaches = [f"ran `{command}` under per-test line coverage (spectrum: {s.ef} failing runs)"]
    for outcome in sorted(item.outcomes, key=_strength)[:MAX_APPROACHES]:
        approaches.append(_experiment_text(outcome, failing))
    concurrency = intermittent and item.prior is not None and item.prior.concurrency > 0
    return Hypothesis(
        id=hid,
        statement=statement,
        category=(
            HypothesisCategory.RACE_CONDITION if concurrency else HypothesisCategory.LOGIC_ERROR
        ),
        pattern=(
            BugPattern.RACE
            if concurrency
            else _pattern(best.mutant)
            if best
            else BugPattern.UNKNOWN
        ),
        probability=probability,
        supporting_evidence=[spectrum] if s.ef else [],
        falsification_criteria=falsification,
        testing_approach=approaches,
        expected_symptoms=symptoms,
        locations=[
            CodeLocation(
                file=item.file,
                line=item.line,
                code=code or None,
                role=", ".join(item.prior.tags) if item.prior and item.prior.tags else "",
            )
        ],
        probes=[
            Probe(
                kind=suggestion.kind,
                file=suggestion.file,
                line=suggestion.line,
                condition=suggestion.condition,
                log_message=suggestion.log_message,
                reason=suggestion.reason,
                score=min(1.0, max(0.0, suggestion.score)),
            )
        ],
        engine=ENGINE,
    )


def _observation(item: LineEvidence, failing: int) -> tuple[Evidence, float] | None:
    """The line's experiments as one evidence item and its likelihood ratio (None: no mutant
    of the line was run, nothing to fold in)."""
    if not item.outcomes:
        return None
    verdicts = {o.verdict for o in item.outcomes}
    telling = _most_telling(item)
    if telling is not None and telling.verdict in _RATIOS:
        ratio = _RATIOS[telling.verdict]
        if telling.verdict == "fixed":
            ratio = max(LR_PARTIAL_FIX, ratio * telling.mutant.naturalness)
        text = _experiment_text(telling, failing)
    elif verdicts <= _INERT:
        ratio = LR_NO_EFFECT
        text = (
            f"{len(item.outcomes)} mutants of line {item.line} were run; none changed the "
            f"outcome of a failing test"
        )
    else:
        return None
    evidence = Evidence(
        observation=text,
        source=EvidenceSource.EXPERIMENT,
        file=item.file,
        line=item.line,
        value=telling.verdict if telling is not None and ratio != LR_NO_EFFECT else "no effect",
    )
    return evidence, ratio


def _most_telling(item: LineEvidence) -> MutantOutcome | None:
    """The line's strongest experiment: its best fix, else one that changed the failure."""
    if item.best_fix is not None:
        # the strongest verdict among fixes (a full fix beats a more natural partial one)
        fixes = [o for o in item.outcomes if o.verdict in _RATIOS and o.fixed]
        return max(fixes, key=lambda o: (_RATIOS[o.verdict], o.fix_value), default=item.best_fix)
    changed = [o for o in item.outcomes if o.verdict == "failure changed" and not o.broken]
    return max(changed, key=lambda o: o.changed, default=None)


def _strength(outcome: MutantOutcome) -> tuple[float, float]:
    return (-_RATIOS.get(outcome.verdict, 0.0), -outcome.fix_value)


def _experiment_text(outcome: MutantOutcome, failing: int) -> str:
    mutant = outcome.mutant
    kind = "predicate switching" if mutant.operator == "predicate" else "perturbation"
    return (
        f"{kind} experiment on line {mutant.line}: {mutant.description} -> {outcome.verdict} "
        f"(fixed {outcome.fixed} of {failing} failing tests, changed {outcome.changed}, "
        f"broke {outcome.broken} of {outcome.passing_run} passing tests rerun)"
    )


def _pattern(mutant: Mutant) -> BugPattern:
    if mutant.operator == "compare":
        # `<` <-> `<=` (and `>` <-> `>=`) is a boundary slip; other comparison swaps are operators
        original, replacement = mutant.original.strip(), mutant.replacement.strip()
        boundary = any(
            new in replacement and replacement.replace(new, old, 1) == original
            for old, new in _BOUNDARY
        )
        return BugPattern.OFF_BY_ONE if boundary else BugPattern.WRONG_OPERATOR
    if mutant.operator == "constant":
        try:
            if abs(int(mutant.replacement) - int(mutant.original)) == 1:
                return BugPattern.OFF_BY_ONE
        except ValueError:
            pass
    return _PATTERNS.get(mutant.operator, BugPattern.UNKNOWN)
