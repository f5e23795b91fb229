"""`smart-debug triage`'s engine (brief, Phase 1): pasted text in -> parsed context, strategy, ranked
hypotheses, breakpoint/logpoint suggestions (the `localize` contract's keys, DESIGN.md), optionally
the AI engine's additions, and the similar past sessions of the workspace's store."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from dap_proxy.analysis.models import ExceptionInfo
from dap_proxy.hypotheses.context import build_context, is_recognisable
from dap_proxy.hypotheses.engine import generate_offline
from dap_proxy.hypotheses.models import (
    FailureContext,
    Hypothesis,
    PastSession,
    Suggestion,
    TriageResult,
)
from dap_proxy.hypotheses.probability import normalise, other_probability
from dap_proxy.hypotheses.strategy import compute_flags, select_strategy

if TYPE_CHECKING:  # the store is imported when a triage uses it (keeps `--help` light)
    from dap_proxy.evidence.store import Store

MAX_SUGGESTIONS = 10
MAX_INPUT_CHARS = (
    1_000_000  # a pasted log larger than this is cut (the start holds the first error)
)

# An exception named in prose: "I get KeyError: 'sku' when ...".
_PROSE_EXCEPTION = re.compile(
    r"\b(?P<type>[A-Z]\w*(?:Error|Exception|Interrupt|Timeout))\b(?::\s*(?P<msg>[^\n]{0,200}))?"
)


class TriageInputError(ValueError):
    """The input cannot be triaged; the message says why and what to paste instead."""


def _exception_from_prose(context: FailureContext) -> FailureContext:
    """When no traceback parsed, an exception named in the text still gives the rules a start."""
    if context.failure.exceptions:
        return context
    match = _PROSE_EXCEPTION.search(context.issue_text)
    if match is None:
        return context
    message = (match["msg"] or "").strip().rstrip(".")
    context.failure.exceptions.append(ExceptionInfo(type=match["type"], message=message))
    context.flags = compute_flags(context)
    return context


def suggestions_from(hypotheses: list[Hypothesis], context: FailureContext) -> list[Suggestion]:
    """Probes of all hypotheses, scored by usefulness x the hypothesis's probability, best first;
    one suggestion per distinct probe (it keeps the most probable hypothesis it tests)."""
    best: dict[tuple[object, ...], Suggestion] = {}
    for h in hypotheses:
        for p in h.probes:
            file = context.relative(p.file) if Path(p.file).is_absolute() else p.file
            score = round(p.score * (0.5 + h.probability / 200.0), 3)
            key = (file, p.line, p.kind, p.condition, p.log_message)
            if key in best and best[key].score >= score:
                continue
            best[key] = Suggestion(
                file=file,
                line=p.line,
                score=score,
                kind=p.kind,
                condition=p.condition,
                log_message=p.log_message,
                hit_condition=p.hit_condition,
                reason=f"{h.id}: {p.reason}",
                hypothesis=h.id,
            )
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.file, s.line))
    return ranked[:MAX_SUGGESTIONS]


def _with_ai(
    context: FailureContext, hypotheses: list[Hypothesis], store: Store | None
) -> tuple[list[Hypothesis], str]:
    from dap_proxy.hypotheses.anthropic_engine import generate_with_ai
    from dap_proxy.hypotheses.settings import AiSettings

    settings = AiSettings.model_validate({"ai": "anthropic"})
    if not settings.enabled:
        return hypotheses, settings.disabled_reason or "AI off"
    merged, note = generate_with_ai(context, hypotheses, settings, store=store)
    return normalise(merged), note


def run_triage(
    text: str,
    workspace: Path | str = ".",
    *,
    ai: str = "off",
    use_store: bool = True,
    limit: int = 5,
) -> TriageResult:
    """Triage pasted text. Raises TriageInputError for empty or unrecognisable input."""
    if not text.strip():
        raise TriageInputError(
            "the input is empty: paste an error message, a traceback or an issue description "
            "(as FILE, '-' or on stdin)"
        )
    context = _exception_from_prose(build_context(text[:MAX_INPUT_CHARS], workspace))
    if not is_recognisable(context):
        raise TriageInputError(
            "nothing recognisable in the input: no exception, traceback or hang report was found; "
            "paste the full error output (e.g. the traceback Python printed)"
        )
    strategy = select_strategy(context)
    hypotheses = generate_offline(context, limit)
    notes: list[str] = []

    store: Store | None = None
    if use_store:
        from dap_proxy.evidence.store import Store, StoreError

        try:
            store = Store.open(Path(context.workspace))
        except StoreError as exc:
            notes.append(f"knowledge base unavailable: {exc}")

    try:
        if ai == "anthropic":
            hypotheses, note = _with_ai(context, hypotheses, store)
            notes.append(note)
        result = TriageResult(
            context=context,
            strategy=strategy,
            hypotheses=hypotheses,
            other_probability=other_probability(hypotheses),
            suggestions=suggestions_from(hypotheses, context),
            notes=notes,
        )
        if store is not None:
            _record(store, result)
    finally:
        if store is not None:
            store.close()
    return result


def _record(store: Store, result: TriageResult) -> None:
    """Look up similar past sessions, then save this triage (so it does not find itself)."""
    from dap_proxy.evidence.store import StoreError

    try:
        similar = store.similar_to(result.context)
        result.similar_sessions = [
            PastSession(
                session_id=s.session_id,
                title=s.title,
                created_at=s.created_at,
                root_cause=s.root_cause,
                outcome=s.outcome,
                match=s.match,
            )
            for s in similar
        ]
        probes = [p for h in result.hypotheses for p in h.probes]
        result.session_id = store.save_triage(result.context, result.hypotheses, probes)
    except StoreError as exc:
        result.notes.append(f"knowledge base unavailable: {exc}")


def to_json(result: TriageResult) -> dict[str, object]:
    from dap_proxy.hypotheses.impact import triage_impact

    """The `--json` object: context, strategy, hypotheses, suggestions (contract keys), plus the
    "other" share, notes and similar past sessions."""
    context = result.context.model_dump(mode="json")
    context["signature"] = result.context.signature()
    context["exception_type"] = result.context.exception_type
    context["exception_message"] = result.context.exception_message
    return {
        "context": context,
        "strategy": result.strategy.model_dump(mode="json"),
        "hypotheses": [h.model_dump(mode="json") for h in result.hypotheses],
        "other_probability": result.other_probability,
        "suggestions": [s.to_contract() for s in result.suggestions],
        "notes": result.notes,
        "similar_sessions": [s.model_dump(mode="json") for s in result.similar_sessions],
        "session_id": result.session_id,
        "impact": triage_impact(result),
    }
