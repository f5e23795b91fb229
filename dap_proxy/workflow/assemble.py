"""From what a run gathered to the report's tables: hypotheses (localize's ranking for a test
command, else the live session's, else the offline engine's triage of the failure output) with
their probability history, the live evidence and stops (redacted), the probes, the code around
the suspect lines, the strategy, and the timeline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from dap_proxy.evidence.reports.model import (
    CodeExcerpt,
    EvidenceEntry,
    HypothesisEntry,
    Location,
    ProbabilityPoint,
    ProbeEntry,
    Strategy,
    StrategyEntry,
    TimelineEntry,
    TimelineKind,
)
from dap_proxy.hypotheses.models import Hypothesis, StrategyChoice
from dap_proxy.hypotheses.redaction import redact_obj
from dap_proxy.live.protocol import EvidenceBody, HypothesisView
from dap_proxy.workflow.observe import Observation

CODE_CONTEXT = 4  # lines shown above and below a suspect line
MAX_EXCERPTS = 3
MAX_EVIDENCE = 200


def seconds_since(start: datetime, iso: str) -> float:
    try:
        return round((datetime.fromisoformat(iso) - start).total_seconds(), 3)
    except ValueError:
        return 0.0


def relative(path: str, workspace: Path) -> str:
    try:
        return Path(path).resolve().relative_to(workspace.resolve()).as_posix()
    except (ValueError, OSError):
        return path


def from_hypotheses(hypotheses: list[Hypothesis], at: float) -> list[HypothesisEntry]:
    """The offline engine's or localize's hypotheses, as of `at` seconds into the run."""
    entries = []
    for h in hypotheses:
        decided = [e.observation for e in (*h.supporting_evidence, *h.contradicting_evidence)]
        fix = next((t for t in h.testing_approach if "-> fixed" in t), None)
        entries.append(
            HypothesisEntry(
                id=h.id,
                statement=h.statement,
                probability=round(h.probability, 1),
                status=h.status.value,
                category=h.category.value,
                pattern=h.pattern.value,
                engine=h.engine,
                locations=[
                    Location(file=loc.file, line=loc.line, function=loc.function, code=loc.code)
                    for loc in h.locations
                ],
                decided_by=decided[-4:],
                falsification=h.falsification_criteria[:3],
                fix_hint=fix,
                history=[ProbabilityPoint(at=at, probability=round(h.probability, 1))],
            )
        )
    return entries


def from_live(views: list[HypothesisView], at: float) -> list[HypothesisEntry]:
    return [
        HypothesisEntry(
            id=v.id,
            statement=v.statement,
            probability=round(v.probability, 1),
            status=v.status,
            category=v.category,
            pattern=v.pattern,
            engine=v.engine,
            locations=[
                Location(file=x.file, line=x.line, function=x.function) for x in v.locations
            ],
            decided_by=[d.observation for d in v.decided_by][-4:],
            history=[ProbabilityPoint(at=at, probability=round(v.probability, 1))],
        )
        for v in views
    ]


def merge_live(entries: list[HypothesisEntry], views: list[HypothesisView], at: float) -> None:
    """A live hypothesis about the same line as a ranked one lends it its verdict and the
    observations that decided it (the ranking itself stays the experiments')."""
    for entry in entries:
        places = {(x.file, x.line) for x in entry.locations}
        for view in views:
            if places & {(x.file, x.line) for x in view.locations}:
                entry.decided_by += [f"live: {d.observation}" for d in view.decided_by][-3:]
                if view.status in ("confirmed", "refuted"):
                    entry.decided_by.append(f"live session: {view.id} {view.status}")
                entry.history.append(
                    ProbabilityPoint(at=at, probability=entry.probability, reason="live session")
                )


def add_history(
    entries: list[HypothesisEntry],
    changes: list[tuple[str, float, str, str]],  # (hypothesis id, probability, reason, ISO at)
    start: datetime,
) -> None:
    """The store's probability history of the live session, on the run's clock."""
    by_id = {e.id: e for e in entries}
    for hid, probability, reason, iso in changes:
        if hid in by_id:
            point = ProbabilityPoint(
                at=seconds_since(start, iso), probability=round(probability, 1), reason=reason
            )
            by_id[hid].history.append(point)
    for entry in entries:
        entry.history.sort(key=lambda p: p.at)


def evidence_entries(
    observation: Observation, start: datetime, workspace: Path, clock_offset: float
) -> list[EvidenceEntry]:
    entries: list[EvidenceEntry] = []
    for body in observation.view.evidence[:MAX_EVIDENCE]:
        entries.append(_from_body(body, start, workspace))
    for stop in observation.stops:
        top = stop.frames[0] if stop.frames else ("", "", 0)
        entries.append(
            EvidenceEntry(
                at=stop.at,
                source="stop",
                observation=f"stopped ({stop.reason}) in {top[0]}"
                + (f": {stop.exception}" if stop.exception else ""),
                file=relative(top[1], workspace) if top[1] else None,
                line=top[2] or None,
                values=stop.locals,
            )
        )
    entries.sort(key=lambda e: e.at)
    return redact_obj(entries)


def _from_body(body: EvidenceBody, start: datetime, workspace: Path) -> EvidenceEntry:
    if body.kind == "probe":
        text = f"probe {body.probe} hit {body.hit}" + (f" ({body.error})" if body.error else "")
    elif body.kind == "stop":
        text = f"stop ({body.reason})" + (
            f": {body.exception.get('type')}: {body.exception.get('message')}"
            if body.exception
            else ""
        )
    elif body.kind == "failure":
        text = f"failure {body.signature or ''}: {(body.text or '')[:200]}"
    else:
        text = f"pathMappings {body.path_mappings}"
    values = body.values if body.kind == "probe" else (body.locals or {})
    return EvidenceEntry(
        at=seconds_since(start, body.at),
        source=f"live {body.kind}",
        observation=text,
        file=relative(body.file, workspace) if body.file else None,
        line=body.line,
        values=dict(values),
        hypothesis=body.hypothesis,
    )


def probe_entries(observation: Observation, workspace: Path) -> list[ProbeEntry]:
    latest = {
        p.id: p
        for p in (observation.view.suggestions.probes if observation.view.suggestions else [])
    }
    entries = []
    for planned, view in observation.probes:
        now = latest.get(view.id, view)
        entries.append(
            ProbeEntry(
                file=relative(planned.file, workspace),
                line=planned.line,
                kind=now.kind,
                detail=now.log_message or now.condition or now.hit_condition or "",
                hypothesis=planned.hypothesis,
                hits=now.hits,
                status=now.status,
                reason=planned.why,
            )
        )
    for planned, why in observation.refused:
        entries.append(
            ProbeEntry(
                file=relative(planned.file, workspace),
                line=planned.line,
                kind="logpoint",
                detail=planned.log_message,
                hypothesis=planned.hypothesis,
                status="refused",
                reason=why,
            )  # fmt: skip
        )
    return entries


def code_excerpts(entries: list[HypothesisEntry], workspace: Path) -> list[CodeExcerpt]:
    marked: dict[str, set[int]] = {}
    for entry in entries[:MAX_EXCERPTS]:
        for loc in entry.locations[:1]:
            marked.setdefault(loc.file, set()).add(loc.line)
    excerpts = []
    for file, lines in marked.items():
        path = Path(file) if Path(file).is_absolute() else workspace / file
        try:
            text = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        first = max(1, min(lines) - CODE_CONTEXT)
        last = min(len(text), max(lines) + CODE_CONTEXT)
        excerpts.append(
            CodeExcerpt(
                file=file, first_line=first, lines=text[first - 1 : last], marked=sorted(lines)
            )
        )
    return redact_obj(excerpts)


def strategy_table(choice: StrategyChoice) -> Strategy:
    return Strategy(
        chosen=[s.name.value for s in choice.top],
        scores=[
            StrategyEntry(name=s.name.value, score=s.score, reasons=s.reasons)
            for s in choice.scores
        ],
        flags=dict(choice.flags.reasons),
    )


def live_timeline(
    observation: Observation, start: datetime, workspace: Path
) -> list[TimelineEntry]:
    items: list[TimelineEntry] = []
    for body in observation.view.evidence[:MAX_EVIDENCE]:
        entry = _from_body(body, start, workspace)
        kind: TimelineKind = (
            "probe" if body.kind == "probe" else "failure" if body.kind == "failure" else "stop"
        )
        items.append(
            TimelineEntry(
                at=entry.at,
                kind=kind,
                text=entry.observation,
                file=entry.file,
                line=entry.line,
                values=entry.values,
            )
        )
    for stop in observation.stops:
        top = stop.frames[0] if stop.frames else ("", "", 0)
        items.append(
            TimelineEntry(
                at=stop.at,
                kind="stop",
                text=f"{stop.reason} in {top[0]} {stop.exception}".strip(),
                file=relative(top[1], workspace) if top[1] else None,
                line=top[2] or None,
                values=dict(list(stop.locals.items())[:6]),
            )  # fmt: skip
        )
    return redact_obj(items)
