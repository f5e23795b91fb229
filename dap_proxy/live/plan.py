"""Which probes a live session places: per line, one logpoint that reads what the hypotheses
about that line need (their predictions' expressions and their probes' values), lines taken in
the hypotheses' rank order up to `smartDebug.autoLogpoints`; and the suggestions the workspace
accepted earlier, found again by their code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from dap_proxy.analysis.engine import AnalysisError, read_source
from dap_proxy.analysis.expressions import expression_names, is_side_effect_free
from dap_proxy.analysis.models import Probe, ProbeKind
from dap_proxy.evidence.live_records import find_line
from dap_proxy.hypotheses.models import Hypothesis, PredictionKind
from dap_proxy.live.probes import (
    MAX_EXPRESSIONS,
    SAFE_BUILTINS,
    LiveProbe,
    expressions_of_message,
)

Resolve = Callable[[str], Path | None]
NextId = Callable[[], str]
RELOCATE_WINDOW = 400  # lines around the recorded one searched for moved code


def _safe(expr: str) -> bool:
    """Injectable, and worth reading: an expression without a name (`0.0`) tells nothing."""
    return is_side_effect_free(expr, "python", SAFE_BUILTINS) and bool(
        expression_names(expr, "python")
    )


class _Line:
    def __init__(self, path: Path, line: int) -> None:
        self.path, self.line = path, line
        self.expressions: list[str] = []
        self.hypotheses: list[str] = []
        self.reasons: list[str] = []
        self.score = 0.0

    def add(self, expressions: Iterable[str], hypothesis: str, reason: str, score: float) -> None:
        for expr in expressions:
            if expr not in self.expressions and _safe(expr):
                self.expressions.append(expr)
        if hypothesis not in self.hypotheses:
            self.hypotheses.append(hypothesis)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)
        self.score = max(self.score, score)


def _probe_expressions(probe: Probe) -> list[str]:
    found = expressions_of_message(probe.log_message or "")
    if probe.condition:
        found += sorted(expression_names(probe.condition, "python"))
    return found


def plan(
    hypotheses: Iterable[Hypothesis],
    resolve: Resolve,
    limit: int,
    budget: int,
    next_id: NextId,
) -> list[LiveProbe]:
    """At most `limit` logpoints for the ranked hypotheses (module docstring)."""
    lines: dict[tuple[str, int], _Line] = {}

    def at(path: Path, line: int) -> _Line:
        return lines.setdefault((str(path), line), _Line(path, line))

    for h in hypotheses:
        weight = h.probability / 100.0
        for prediction in h.predictions:
            logged = prediction.kind in (PredictionKind.WITNESS, PredictionKind.BRANCH)
            exprs = [prediction.expression] if logged and prediction.expression else []
            lines_read = [prediction.line]
            if prediction.kind is PredictionKind.BRANCH and prediction.body_line:
                lines_read.append(prediction.body_line)
            for line in lines_read:
                at(Path(prediction.file), line).add(
                    exprs, h.id, prediction.description, 1.0 + weight
                )
        for probe in h.probes:
            if probe.kind is ProbeKind.BREAKPOINT and not probe.log_message:
                continue  # a place to stop at: the editor's call, not a probe of ours
            path = resolve(probe.file)
            if path is None or path.suffix != ".py":
                continue
            at(path, probe.line).add(
                _probe_expressions(probe), h.id, probe.reason, probe.score * weight
            )
    chosen = list(lines.values())[: max(limit, 0)]
    return [
        LiveProbe(
            id=next_id(),
            file=str(item.path),
            line=item.line,
            expressions=item.expressions[:MAX_EXPRESSIONS],
            hypotheses=item.hypotheses,
            source="hypothesis",
            budget=budget,
            reason="; ".join(item.reasons)[:300],
            score=round(item.score, 3),
        )
        for item in chosen
    ]


def relocate(path: Path, line: int, code: str) -> int | None:
    """The line holding `code` now: the recorded line if it still does, else the nearest line
    with the same text (whitespace folded), else None (the code changed: the probe is dropped)."""
    try:
        lines = read_source(path).decode("utf-8", errors="replace").splitlines()
    except AnalysisError:
        return None
    return find_line(lines, line, code, RELOCATE_WINDOW)


def from_probe(
    probe: Probe, path: Path, line: int, probe_id: str, budget: int, source: str
) -> LiveProbe:
    """A stored suggestion (analysis `Probe`) as a live probe at `line` of `path`."""
    if probe.kind is ProbeKind.BREAKPOINT and not probe.log_message:
        return LiveProbe(
            id=probe_id,
            file=str(path),
            line=line,
            kind="snapshot",
            condition=probe.condition,
            source=source,  # type: ignore[arg-type]
            budget=min(budget, 3),
            reason=probe.reason,
        )
    exprs = (
        _probe_expressions(probe)
        if probe.kind is not ProbeKind.CONDITIONAL
        else (
            expressions_of_message(probe.log_message or "")
            or sorted(expression_names(probe.condition or "", "python"))
        )
    )
    return LiveProbe(
        id=probe_id,
        file=str(path),
        line=line,
        expressions=[e for e in exprs if _safe(e)][:MAX_EXPRESSIONS],
        condition=probe.condition if probe.kind is ProbeKind.CONDITIONAL else None,
        hit_condition=probe.hit_condition,
        source=source,  # type: ignore[arg-type]
        budget=budget,
        reason=probe.reason,
        score=probe.score,
    )
