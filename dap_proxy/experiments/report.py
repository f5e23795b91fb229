"""Report assembly of `smart-debug localize`: the ranked lines become suggestions (a breakpoint, a
conditional breakpoint on a fixing predicate, or a logpoint in a loop), each with the reason in
words, and hypotheses in the shared vocabulary (beliefs.py); plus the report for a project whose
tests could not even be imported.
"""

from __future__ import annotations

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.experiments.baseline import import_failure_lines
from dap_proxy.experiments.beliefs import build_hypotheses, hypothesis_text
from dap_proxy.experiments.localize_state import LocalizeState
from dap_proxy.experiments.models import LocalizeReport, Suggestion
from dap_proxy.experiments.runners import RunAnswer, TestResult
from dap_proxy.experiments.scoring import LineEvidence, MutantOutcome
from dap_proxy.hypotheses.probability import other_probability


def build_report(
    state: LocalizeState,
    ranked: list[LineEvidence],
    results: list[TestResult],
    described: str,
    intermittent: bool = False,
) -> LocalizeReport:
    top = ranked[: state.options.top]
    failing_total = sum(1 for r in results if r.failed)
    passing_total = sum(1 for r in results if r.outcome == "passed")
    suggestions = [_suggestion(item, failing_total, passing_total) for item in top]
    hypotheses = (
        build_hypotheses(top, suggestions, failing_total, described, intermittent)
        if state.options.experiments - {"spectra"}
        else []
    )
    return LocalizeReport(
        suggestions=suggestions,
        hypotheses=hypotheses,
        experiments=state.experiments,
        command=described,
        tests=len(results),
        failing=failing_total,
        failing_tests=[r.nodeid for r in results if r.failed],
        seconds=round(state.elapsed(), 3),
        notes=state.notes,
    )


def _suggestion(item: LineEvidence, failing: int, passing: int) -> Suggestion:
    best = item.best_fix
    suggestion = Suggestion(
        file=item.file,
        line=item.line,
        score=round(item.score, 4),
        reason=_reason(item, best, failing, passing),
        hypothesis=hypothesis_text(best.mutant) if best else None,
    )
    if best and best.mutant.condition:
        suggestion.kind = ProbeKind.CONDITIONAL
        suggestion.condition = best.mutant.condition
    elif item.prior and item.prior.in_loop and item.prior.names:
        suggestion.kind = ProbeKind.LOGPOINT
        suggestion.log_message = ", ".join(f"{n}={{{n}}}" for n in item.prior.names)
    return suggestion


def to_json(report: LocalizeReport) -> dict[str, object]:
    """The `--json` object (DESIGN.md "Contracts"): optional keys left out when unset, plus the
    notes, the seconds taken and, when there are hypotheses, the explicit "other" share."""
    payload: dict[str, object] = {
        "suggestions": [s.model_dump(mode="json", exclude_none=True) for s in report.suggestions],
        "hypotheses": [h.model_dump(mode="json") for h in report.hypotheses],
        "experiments": [e.model_dump(mode="json", exclude_none=True) for e in report.experiments],
        "notes": report.notes,
        "seconds": report.seconds,
        "outcomes": report.outcomes.model_dump(mode="json"),
        "phases": report.phases,
    }
    if report.hypotheses:  # the documented rule's explicit remainder
        payload["other_probability"] = other_probability(report.hypotheses)
    return payload


def import_failure_report(state: LocalizeState, first: RunAnswer, described: str) -> LocalizeReport:
    """No test ran because collection failed (the project does not import): point at the
    project lines the collection error names."""
    lines = import_failure_lines(state, first)
    suggestions = [
        Suggestion(
            file=file,
            line=line,
            score=round(1.0 / (index + 1), 4),
            reason="the tests could not be imported; the collection error points here",
        )
        for index, (file, line) in enumerate(reversed(lines))
    ][: state.options.top]
    return LocalizeReport(
        suggestions=suggestions,
        experiments=state.experiments,
        command=described,
        seconds=round(state.elapsed(), 3),
        notes=["the project does not import: no test ran"],
    )


def _reason(item: LineEvidence, best: MutantOutcome | None, failing: int, passing: int) -> str:
    parts: list[str] = []
    if best is not None:
        kept = f"; {best.passing_run - best.broken} of {best.passing_run} passing tests that run it still pass"
        parts.append(
            f"changing {best.mutant.description} makes {best.fixed} of {failing} failing tests pass"
            + (kept if best.passing_run else "")
        )
    elif item.sensitivity > 0:
        parts.append(
            f"mutating it changes the failure of {round(item.sensitivity * failing)} of {failing} failing tests"
        )
    s = item.spectrum
    parts.append(
        f"run by {s.ef} of {s.ef + s.nf} failing and {s.ep} of {s.ep + s.np} passing tests "
        f"(Ochiai {item.ochiai:.2f})"
    )
    if item.prior and item.prior.tags:
        parts.append(", ".join(item.prior.tags))
    if item.crash_distance == 0:
        parts.append("the failure surfaces here")
    return "; ".join(parts)
