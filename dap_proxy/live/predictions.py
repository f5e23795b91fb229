"""Hypotheses' predictions, and their verdicts from what the probes observe.

A hypothesis predicts what the running program will show (brief: "falsification criteria"):
- the state its conditional probes test holds at least once (`witness`): `sku not in PRICES`,
  `discount is None`, `count == 0`;
- for an off-by-one or wrong-operator hypothesis about an ordering comparison that guards a
  branch, what the boundary case does (`branch`): at cart.py:28, when `count == BULK_THRESHOLD`
  the branch `count > BULK_THRESHOLD` is not taken (line 29 does not run). Probes on the header
  and on the first line of the body see it; after a fix the same prediction fails, which is
  what `verify` checks;
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
from dap_proxy.analysis.engine import AnalysisError, analyze_file, branch_body_line, source_line
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
    PredictionKind.BRANCH: 10.0,
}
FAILED_RATIO = {
    PredictionKind.WITNESS: 0.3,
    PredictionKind.REACHED: 0.1,
    PredictionKind.EXCEEDS: 0.3,
    PredictionKind.BRANCH: 0.05,  # the boundary went the other way: the criterion is met
}
UNSEEN_RATIO = 0.3  # a failing run in which the boundary case never came up
_BOUNDARY_PATTERNS = {BugPattern.OFF_BY_ONE, BugPattern.WRONG_OPERATOR}
_STRICT = {"<", ">"}

Resolve = Callable[[str], Path | None]  # a hypothesis's file -> the local file, if in the workspace


def _safe(expr: str) -> bool:
    return is_side_effect_free(expr, "python", SAFE_BUILTINS)


def _boundary(path: Path, line: int) -> dict[str, object] | None:
    """The boundary case of the ordering comparison on `line`, as prediction fields."""
    found = boundary_comparison(source_line(path, line))
    if found is None:
        return None
    left, op, right = found
    at = f"{path.name}:{line}"
    taken = op not in _STRICT
    body = branch_body_line(path, line)
    if body is not None and body != line:
        return {
            "kind": PredictionKind.BRANCH,
            "expression": f"({left}) == ({right})",
            "body_line": body,
            "taken": taken,
            "description": f"at {at}, when `{left} == {right}` the branch `{left} {op} {right}` "
            f"is {'' if taken else 'not '}taken (line {body} {'runs' if taken else 'does not run'})",
        }
    compared = f"({left} {op} {right})"
    return {
        "kind": PredictionKind.WITNESS,
        "expression": f"({left}) == ({right}) and {'' if taken else 'not '}{compared}",
        "description": f"at {at}, `{left} == {right}` and `{left} {op} {right}` is {taken}",
    }


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

    def add(kind: object, path: Path, line: int, description: object, **extra: object) -> None:
        key = (kind, str(path), line, extra.get("expression"), extra.get("threshold"))
        if key in seen:
            return
        seen.add(key)
        fields = {"id": f"{hypothesis.id}.{len(found) + 1}", "kind": kind, "file": str(path),
                  "line": line, "description": description, **extra}  # fmt: skip
        found.append(Prediction.model_validate(fields))

    for probe in hypothesis.probes:
        path = resolve(probe.file)
        if path is None or path.suffix != ".py":
            continue
        label = f"{path.name}:{probe.line}"
        if probe.kind is ProbeKind.CONDITIONAL and probe.condition:
            boundary = (
                _boundary(path, probe.line) if hypothesis.pattern in _BOUNDARY_PATTERNS else None
            )
            if boundary is None:
                boundary = {
                    "kind": PredictionKind.WITNESS,
                    "expression": probe.condition,
                    "description": f"at {label}, `{probe.condition}` holds",
                }
            if _safe(str(boundary["expression"])):
                fields = dict(boundary)
                add(fields.pop("kind"), path, probe.line, fields.pop("description"), **fields)
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
        self._open: dict[str, bool] = {}  # branch prediction -> a boundary case not yet resolved

    def watch(self, hypothesis: str, predictions: Iterable[Prediction]) -> None:
        for prediction in predictions:
            places = [(prediction.file, prediction.line)]
            if prediction.kind is PredictionKind.BRANCH and prediction.body_line:
                places.append((prediction.file, prediction.body_line))
            for place in places:
                self._by_place.setdefault(place, []).append((hypothesis, prediction))

    def expressions_at(self, file: str, line: int) -> list[str]:
        return [
            p.expression
            for _, p in self._by_place.get((file, line), [])
            if p.kind in (PredictionKind.WITNESS, PredictionKind.BRANCH) and p.expression
        ]

    def observe(self, file: str, line: int, values: dict[str, str], hits: int) -> list[Verdict]:
        """One observation at file:line (expression -> repr, and the probe's hit count)."""
        decided: list[Verdict] = []
        for hypothesis, prediction in self._by_place.get((file, line), []):
            if prediction.verdict is not PredictionVerdict.PENDING:
                continue
            if prediction.kind is PredictionKind.BRANCH:
                verdict = self._branch(hypothesis, prediction, line, values)
                if verdict is not None:
                    decided.append(verdict)
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

    def _branch(
        self, hypothesis: str, prediction: Prediction, line: int, values: dict[str, str]
    ) -> Verdict | None:
        """The header saw the boundary case; whether the body runs next says which way it
        went (the next header hit, or the end of the run, without it: not taken)."""
        boundary = values.get(prediction.expression or "") == "True"
        if line == prediction.line:
            prediction.observations += 1
            went_in = False if self._open.get(prediction.id) else None
            self._open[prediction.id] = boundary
            return self._decide_branch(hypothesis, prediction, went_in)
        if self._open.get(prediction.id) and boundary:
            self._open[prediction.id] = False
            return self._decide_branch(hypothesis, prediction, True)
        return None

    def _decide_branch(
        self, hypothesis: str, prediction: Prediction, went_in: bool | None
    ) -> Verdict | None:
        if went_in is None:
            return None
        held = went_in == prediction.taken
        prediction.verdict = PredictionVerdict.HELD if held else PredictionVerdict.FAILED
        way = "was taken" if went_in else "was not taken"
        ratio = HELD_RATIO if held else FAILED_RATIO
        return Verdict(
            hypothesis,
            prediction,
            ratio[PredictionKind.BRANCH],
            f"{prediction.description}: the boundary case {way}",
        )

    def finish(self, reproduced: bool, probed: set[tuple[str, int]]) -> list[Verdict]:
        """The run is over: an open boundary case did not take its branch; other unmet
        predictions fail if the run reproduced the failure and a probe watched their line
        (`probed`: (file, line) pairs), else they stay undecided."""
        decided: list[Verdict] = []
        seen: set[str] = set()
        for watched in self._by_place.values():
            for hypothesis, prediction in watched:
                if prediction.verdict is not PredictionVerdict.PENDING or prediction.id in seen:
                    continue
                seen.add(prediction.id)
                if (prediction.file, prediction.line) not in probed:
                    prediction.verdict = PredictionVerdict.INCONCLUSIVE
                    continue
                if prediction.kind is PredictionKind.BRANCH and self._open.get(prediction.id):
                    verdict = self._decide_branch(hypothesis, prediction, False)
                    if verdict is not None:
                        decided.append(verdict)
                    continue
                if not reproduced:
                    prediction.verdict = PredictionVerdict.INCONCLUSIVE
                    continue
                prediction.verdict = PredictionVerdict.FAILED
                unseen = (
                    f"never seen in {prediction.observations} observations"
                    if prediction.observations
                    else "never reached"
                )
                ratio = (
                    UNSEEN_RATIO
                    if prediction.kind is PredictionKind.BRANCH
                    else FAILED_RATIO[prediction.kind]
                )
                decided.append(
                    Verdict(
                        hypothesis,
                        prediction,
                        ratio,
                        f"{prediction.description}: {unseen} while the failure happened",
                    )
                )
        return decided
