"""Hypotheses' predictions, and their verdicts from what the probes observe.

A hypothesis predicts what the running program will show (brief: "falsification criteria"):
- the state its conditional probes test holds at least once (`witness`): `sku not in PRICES`,
  `discount is None`, `count == 0`; for an off-by-one or wrong-operator hypothesis about an
  ordering comparison, the boundary case and the branch it takes: at cart.py:28,
  `count == BULK_THRESHOLD` and the branch `count > BULK_THRESHOLD` is not taken;
- its hit-count probe's bound is exceeded (`exceeds`): a recursion or a loop that runs away;
- the line it blames runs (`reached`).
A prediction that holds raises its hypothesis by a likelihood ratio; one still unmet when the
run reproduced the failure lowers it; a run that ended without reproducing the failure leaves
unmet predictions inconclusive. The shared rule (hypotheses/probability.py) does the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from dap_proxy.analysis.dataflow import function_at
from dap_proxy.analysis.engine import AnalysisError, analyze_file, source_line
from dap_proxy.analysis.expressions import boundary_comparison, is_side_effect_free
from dap_proxy.analysis.models import ProbeKind
from dap_proxy.breakpoints.hits import hit_test
from dap_proxy.hypotheses.models import (
    BugPattern,
    Hypothesis,
    Prediction,
    PredictionKind,
    PredictionVerdict,
)
from dap_proxy.live.probes import SAFE_BUILTINS

# Likelihood ratios (P(observation | H) / P(observation | not H)).
HELD_RATIO = {
    PredictionKind.WITNESS: 10.0,
    PredictionKind.REACHED: 1.5,
    PredictionKind.EXCEEDS: 5.0,
}
FAILED_RATIO = {
    PredictionKind.WITNESS: 0.3,
    PredictionKind.REACHED: 0.1,
    PredictionKind.EXCEEDS: 0.3,
}
_BOUNDARY_PATTERNS = {BugPattern.OFF_BY_ONE, BugPattern.WRONG_OPERATOR}
_STRICT = {"<", ">"}

Resolve = Callable[[str], Path | None]  # a hypothesis's file -> the local file, if in the workspace


def _safe(expr: str) -> bool:
    return is_side_effect_free(expr, "python", SAFE_BUILTINS)


def _boundary(condition: str, code: str) -> tuple[str, str] | None:
    """(expression, description) for the boundary case of the comparison on `code`."""
    found = boundary_comparison(code)
    if found is None:
        return None
    left, op, right = found
    taken = f"({left} {op} {right})"
    expression = f"({left}) == ({right}) and {'not ' if op in _STRICT else ''}{taken}"
    branch = "is not" if op in _STRICT else "is"
    return expression, f"`{left} == {right}` and the branch `{left} {op} {right}` {branch} taken"


def _reach_line(path: Path, line: int) -> int:
    """A `def` line runs when the function is defined, not when it is called: use the first
    line of its body instead."""
    try:
        analysis = analyze_file(path)
    except AnalysisError:
        return line
    for function in analysis.functions:
        if function.start_line == line:
            return function.body_line
    inner = function_at(analysis, line)
    return line if inner is None or inner.start_line != line else inner.body_line


def derive(hypothesis: Hypothesis, resolve: Resolve) -> list[Prediction]:
    """The checkable predictions of one hypothesis, in the order they were found."""
    found: list[Prediction] = []
    seen: set[tuple[object, ...]] = set()

    def add(kind: PredictionKind, path: Path, line: int, description: str, **extra: object) -> None:
        key = (kind, str(path), line, extra.get("expression"), extra.get("threshold"))
        if key in seen:
            return
        seen.add(key)
        found.append(
            Prediction(
                id=f"{hypothesis.id}.{len(found) + 1}",
                kind=kind,
                file=str(path),
                line=line,
                description=description,
                **extra,  # type: ignore[arg-type]
            )
        )

    for probe in hypothesis.probes:
        path = resolve(probe.file)
        if path is None or path.suffix != ".py":
            continue
        label = f"{path.name}:{probe.line}"
        if probe.kind is ProbeKind.CONDITIONAL and probe.condition:
            boundary = (
                _boundary(probe.condition, source_line(path, probe.line))
                if hypothesis.pattern in _BOUNDARY_PATTERNS
                else None
            )
            expression, what = boundary or (probe.condition, f"`{probe.condition}` holds")
            if _safe(expression):
                add(
                    PredictionKind.WITNESS,
                    path,
                    probe.line,
                    f"at {label}, {what}",
                    expression=expression,
                )
        elif probe.kind is ProbeKind.HIT_COUNT and probe.hit_condition:
            bound = probe.hit_condition.strip().lstrip("<>=%").strip()
            if hit_test(probe.hit_condition) is not None and bound.isdigit():
                add(
                    PredictionKind.EXCEEDS,
                    path,
                    probe.line,
                    f"{label} runs more than {bound} times",
                    threshold=int(bound),
                )
    witnessed = {(p.file, p.line) for p in found}
    for location in hypothesis.locations[:1]:
        path = resolve(location.file)
        if path is None or path.suffix != ".py":
            continue
        line = _reach_line(path, location.line)
        if (str(path), line) not in witnessed:
            add(PredictionKind.REACHED, path, line, f"{path.name}:{line} runs when it fails")
    return found


@dataclass
class Verdict:
    """A prediction decided by an observation (or by the end of the run)."""

    hypothesis: str
    prediction: Prediction
    ratio: float
    observation: str


class Judge:
    """Holds every pending prediction by place and decides them as observations arrive."""

    def __init__(self) -> None:
        self._by_place: dict[tuple[str, int], list[tuple[str, Prediction]]] = {}

    def watch(self, hypothesis: str, predictions: Iterable[Prediction]) -> None:
        for prediction in predictions:
            place = (prediction.file, prediction.line)
            self._by_place.setdefault(place, []).append((hypothesis, prediction))

    def places(self) -> list[tuple[str, int]]:
        return list(self._by_place)

    def expressions_at(self, file: str, line: int) -> list[str]:
        return [
            p.expression
            for _, p in self._by_place.get((file, line), [])
            if p.kind is PredictionKind.WITNESS and p.expression
        ]

    def observe(self, file: str, line: int, values: dict[str, str], hits: int) -> list[Verdict]:
        """One observation at file:line (expression -> repr, and the probe's hit count)."""
        decided: list[Verdict] = []
        for hypothesis, prediction in self._by_place.get((file, line), []):
            if prediction.verdict is not PredictionVerdict.PENDING:
                continue
            prediction.observations += 1
            held = (
                (
                    prediction.kind is PredictionKind.WITNESS
                    and values.get(prediction.expression or "") == "True"
                )
                or prediction.kind is PredictionKind.REACHED
                or (
                    prediction.kind is PredictionKind.EXCEEDS and hits > (prediction.threshold or 0)
                )
            )
            if held:
                prediction.verdict = PredictionVerdict.HELD
                shown = ", ".join(f"{k}={v}" for k, v in values.items()) or f"hit {hits}"
                decided.append(
                    Verdict(
                        hypothesis,
                        prediction,
                        HELD_RATIO[prediction.kind],
                        f"{prediction.description}: observed ({shown})",
                    )
                )
        return decided

    def finish(self, reproduced: bool) -> list[Verdict]:
        """The run is over: unmet predictions fail if it reproduced the failure, else they
        stay undecided (inconclusive)."""
        decided: list[Verdict] = []
        for watched in self._by_place.values():
            for hypothesis, prediction in watched:
                if prediction.verdict is not PredictionVerdict.PENDING:
                    continue
                if not reproduced:
                    prediction.verdict = PredictionVerdict.INCONCLUSIVE
                    continue
                prediction.verdict = PredictionVerdict.FAILED
                seen = (
                    f"never seen in {prediction.observations} observations"
                    if prediction.observations
                    else "never reached"
                )
                decided.append(
                    Verdict(
                        hypothesis,
                        prediction,
                        FAILED_RATIO[prediction.kind],
                        f"{prediction.description}: {seen} while the failure happened",
                    )
                )
        return decided
