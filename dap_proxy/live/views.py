"""The live session's state as protocol bodies (dap_proxy.live.protocol), paths relative to the
workspace where they are inside it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from dap_proxy.breakpoints.merge import Placed
from dap_proxy.hypotheses.models import Evidence, FailureContext, Hypothesis
from dap_proxy.hypotheses.probability import other_probability
from dap_proxy.live.probes import LiveProbe
from dap_proxy.live.protocol import (
    DecidingEvidence,
    FailureView,
    HypothesesBody,
    HypothesisView,
    LocationView,
    PredictionView,
    ProbeView,
)

MAX_DECIDING = 6  # evidence items shown per hypothesis


@lru_cache(maxsize=1024)  # each probe's file, once per observation: no resolve() each time
def relative(path: str | None, workspace: Path) -> str:
    if not path:
        return ""
    try:
        return Path(path).resolve().relative_to(workspace).as_posix()
    except (ValueError, OSError):
        return path


def _deciding(h: Hypothesis) -> list[DecidingEvidence]:
    items: list[tuple[Evidence, bool]] = [(e, True) for e in h.supporting_evidence]
    items += [(e, False) for e in h.contradicting_evidence]
    items.sort(key=lambda pair: pair[0].at)
    return [
        DecidingEvidence(
            observation=e.observation,
            source=e.source.value,
            file=e.file,
            line=e.line,
            value=e.value,
            at=e.at.isoformat(),
            supports=supports,
        )
        for e, supports in items[-MAX_DECIDING:]
    ]


def hypothesis_view(h: Hypothesis, workspace: Path, probes: Iterable[LiveProbe]) -> HypothesisView:
    return HypothesisView(
        id=h.id,
        statement=h.statement,
        probability=round(h.probability, 1),
        status=h.status.value,
        category=h.category.value,
        pattern=h.pattern.value,
        engine=h.engine,
        locations=[
            LocationView(
                file=relative(loc.file, workspace) or loc.file,
                line=loc.line,
                function=loc.function,
                role=loc.role,
            )
            for loc in h.locations
        ],
        predictions=[
            PredictionView(
                id=p.id,
                kind=p.kind.value,
                file=relative(p.file, workspace),
                line=p.line,
                description=p.description,
                expression=p.expression,
                verdict=p.verdict.value,
                observations=p.observations,
            )
            for p in h.predictions
        ],
        decided_by=_deciding(h),
        probes=[p.id for p in probes if h.id in p.hypotheses],
    )


def hypotheses_body(
    hypotheses: list[Hypothesis],
    probes: list[LiveProbe],
    workspace: Path,
    reason: str,
    session_id: int | None,
    context: FailureContext | None,
    source: str,
) -> HypothesesBody:
    failure = None
    if context is not None:
        failure = FailureView(
            signature=context.signature(),
            type=context.exception_type,
            message=context.exception_message[:500],
            source=source,
        )
    return HypothesesBody(
        session=session_id,
        reason=reason,
        failure=failure,
        hypotheses=[hypothesis_view(h, workspace, probes) for h in hypotheses],
        other=other_probability(hypotheses),
    )


def probe_view(probe: LiveProbe, placed: Placed | None, workspace: Path) -> ProbeView:
    status = probe.status
    return ProbeView(
        id=probe.id,
        file=relative(probe.file, workspace),
        line=probe.line,
        kind=probe.kind,
        log_message=probe.readable_message() or None,
        condition=probe.condition,
        hit_condition=probe.hit_condition,
        hypothesis=probe.hypotheses[0] if probe.hypotheses else None,
        source=probe.source,
        status=status,
        hits=probe.hits,
        budget=probe.budget,
        reason=(
            placed.message
            if placed is not None and placed.verified is False and placed.message
            else probe.reason
        ),
        score=probe.score,
    )
