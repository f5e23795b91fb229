"""What else the fault of the top hypothesis touches (the brief's triage: "severity assessment
and blast radius", root-cause analysis: "similar bug pattern identification across codebase",
"impact assessment", "fix complexity estimation"). The code is read by the analysis room
(`analysis/callers.py`, `analysis/shapes.py`); this module judges what it found."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from dap_proxy.analysis.callers import callers_in_workspace
from dap_proxy.analysis.dataflow import backward_slice, function_at
from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.models import FileAnalysis
from dap_proxy.analysis.shapes import similar_shapes
from dap_proxy.evidence.reports.model import (
    BlastRadius,
    Caller,
    Failure,
    FixComplexity,
    HypothesisEntry,
    Impact,
    Severity,
    SimilarPattern,
)

MAX_CALLERS = 20
MAX_DEPTH = 4  # caller levels followed up to the entry points
MAX_PATTERNS = 8


def impact_of(
    hypotheses: list[HypothesisEntry], failure: Failure, workspace: Path
) -> Impact | None:
    """For the top hypothesis (None when it names no place in the code)."""
    if not hypotheses or not hypotheses[0].locations:
        return None
    top = hypotheses[0]
    where = top.locations[0]
    path = Path(where.file) if Path(where.file).is_absolute() else workspace / where.file
    try:
        analysis = analyze_file(path)
    except AnalysisError:
        return Impact(hypothesis=top.id)
    function = function_at(analysis, where.line)
    radius = BlastRadius(function=function.qualname if function else None)
    entries: list[Caller] = []
    if function is not None:
        level = {function.name}
        seen = {function.name}
        for depth in range(MAX_DEPTH):
            sites = callers_in_workspace(workspace, level)
            if depth == 0:
                radius.callers = [
                    Caller(file=s.file, line=s.line, function=s.function, code=s.code)
                    for s in sites[:MAX_CALLERS]
                ]
            next_level: set[str] = set()
            for site in sites:
                name = (site.function or "").split(".")[-1]
                if site.function is None or site.function_kind == "test" or name.startswith("test"):
                    entries.append(
                        Caller(
                            file=site.file, line=site.line, function=site.function, code=site.code
                        )
                    )
                elif name not in seen:
                    seen.add(name)
                    next_level.add(name)
            if not next_level:
                break
            level = next_level
    radius.entry_points = _unique(entries)[:MAX_CALLERS]
    radius.tests = failure.failing_tests[:MAX_CALLERS]
    patterns = [
        SimilarPattern(file=s.file, line=s.line, code=s.code, why=s.why)
        for s in similar_shapes(path, where.line, workspace, top.pattern)[:MAX_PATTERNS]
    ]
    return Impact(
        hypothesis=top.id,
        blast_radius=radius,
        severity=_severity(failure, radius),
        similar_patterns=patterns,
        fix_complexity=_complexity(hypotheses, analysis, where.line, function is not None),
    )


def _unique(items: list[Caller]) -> list[Caller]:
    seen: set[tuple[str, int]] = set()
    kept = []
    for item in items:
        if (item.file, item.line) not in seen:
            seen.add((item.file, item.line))
            kept.append(item)
    return kept


def _severity(failure: Failure, radius: BlastRadius) -> Severity:
    reasons: list[str] = []
    score = {"crash": 3, "hang": 3, "wrong result": 2}.get(failure.kind, 1)
    reasons.append(
        {
            "crash": "the program crashes (an exception escapes)",
            "hang": "the program hangs (it never finishes)",
            "wrong result": "a wrong result, silently (no exception)",
        }.get(failure.kind, f"failure kind: {failure.kind}")
    )
    if failure.tests:
        share = len(failure.failing_tests) / max(failure.tests, 1)
        reasons.append(f"{len(failure.failing_tests)} of {failure.tests} tests fail")
        score += 1 if share >= 0.25 else 0
    non_test = [
        e for e in radius.entry_points if not (e.function or "").split(".")[-1].startswith("test")
    ]
    if non_test:
        score += 1
        reasons.append(
            f"on the path of {len(non_test)} entry point(s) outside the tests "
            f"(e.g. {non_test[0].file}:{non_test[0].line})"
        )
    elif radius.function:
        reasons.append("reached only from tests in this workspace")
    level = (
        "critical" if score >= 5 else "high" if score >= 4 else "medium" if score >= 2 else "low"
    )
    return Severity(level=level, reasons=reasons)  # type: ignore[arg-type]


def _complexity(
    hypotheses: list[HypothesisEntry], analysis: FileAnalysis, line: int, in_function: bool
) -> FixComplexity:
    top = hypotheses[0]
    if top.fix_hint:
        return FixComplexity(
            level="one line", reason=f"a one-line change fixed the failing tests: {top.fix_hint}"
        )
    try:
        sliced = backward_slice(analysis, line)
    except Exception:  # noqa: BLE001 - no slice: say so
        sliced = []
    files = {loc.file for h in hypotheses[:2] for loc in h.locations if h.probability >= 20}
    if len(files) > 1:
        return FixComplexity(
            level="several files", reason=f"the likely causes span {', '.join(sorted(files))}"
        )
    if in_function and sliced:
        return FixComplexity(
            level="one function",
            reason=f"the backward slice of line {line} stays in its function ({len(sliced)} lines)",
        )
    return FixComplexity(level="unknown", reason="no confirming change and no slice to measure")


def triage_impact(result: object) -> dict[str, object] | None:
    """Blast radius, severity, similar patterns and fix complexity of the top hypothesis."""
    from dap_proxy.evidence.reports.model import Failure, HypothesisEntry, Location
    from dap_proxy.hypotheses.models import TriageResult

    assert isinstance(result, TriageResult)
    if not result.hypotheses:
        return None
    top = result.hypotheses[0]
    entry = HypothesisEntry(
        id=top.id, statement=top.statement, probability=top.probability,
        status=top.status.value, category=top.category.value, pattern=top.pattern.value,
        engine=top.engine,
        locations=[Location(file=loc.file, line=loc.line, function=loc.function) for loc in top.locations],
    )  # fmt: skip
    context = result.context
    final = context.failure.final
    kind: Literal["hang", "wrong result", "crash"] = (
        "hang"
        if context.hang
        else "wrong result"
        if final and final.type == "AssertionError"
        else "crash"
    )
    failure = Failure(
        type=context.exception_type, failing_tests=context.failure.failing_tests, kind=kind
    )
    try:
        found = impact_of([entry], failure, Path(context.workspace))
    except Exception as exc:  # noqa: BLE001 - the triage stands without it
        return {"error": str(exc)}
    return found.model_dump(mode="json") if found else None
