"""The optional Anthropic engine (issue 4; DESIGN.md "AI adds, never replaces"): asks Claude for
hypotheses about a failure and merges them with the offline engine's.

- Runs only when `AiSettings.enabled` (mode "anthropic" AND an API key); otherwise nothing is sent.
- Everything sent passes through `redaction.redact_obj` first; the exact request body (and the
  reply or the error) is recorded in the store.
- Structured output: `client.messages.parse(..., output_format=AiAnswer)`; the SDK validates the
  reply against the pydantic model, and the items become `Hypothesis` models.
- Bounded: the settings' timeout per request and retry count; any failure (network, timeout,
  HTTP error, invalid output) returns the offline hypotheses with a note saying what happened.

Merging: the two engines are two opinions of equal weight. A hypothesis the AI restates (`same_as`,
or same bug pattern at the same place) keeps its offline id and gains the AI's evidence; new ones get
the next free ids. Each final probability is the mean of the offline and AI shares (0 where an
engine did not propose it), then the set is normalised with the usual "other explanation" floor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, ValidationError

from dap_proxy.hypotheses.models import (
    BugPattern,
    CodeLocation,
    Evidence,
    EvidenceSource,
    FailureContext,
    Hypothesis,
    HypothesisCategory,
)
from dap_proxy.hypotheses.probability import normalise, rank
from dap_proxy.hypotheses.redaction import Finding, redact_obj
from dap_proxy.hypotheses.settings import AiSettings

if TYPE_CHECKING:
    from dap_proxy.evidence.store import Store

ENGINE = "anthropic"
CODE_CONTEXT_LINES = 8  # lines of source each side of a workspace frame
MAX_CODE_FRAMES = 4  # innermost workspace frames whose source is sent
MAX_FILE_BYTES = 2_000_000  # do not read huge generated files
MAX_TEXT_CHARS = 12_000  # issue text beyond this is cut (cost and latency)
NEAR_LINES = 2  # an AI location this close to an offline one is "the same place"

SYSTEM_PROMPT = """\
You are a debugging assistant inside a debugger. You receive one program failure as JSON: the \
user's issue text, the parsed exception and stack frames, source excerpts around the frames, \
environment hints, and the hypotheses an offline rule engine already ranked.

Propose at most {max_hypotheses} hypotheses about the root cause. Each must be specific to this \
code, testable and falsifiable: say what would refute it and how to test it (a breakpoint, a \
logpoint expression, an input to try). Use only files and lines that appear in the input for \
locations. Probabilities are percentages over mutually exclusive explanations and must sum to at \
most 98. If one of your hypotheses restates an offline hypothesis, set same_as to its id.

Secrets were replaced by markers like [REDACTED:api_key]; never guess or reconstruct them."""


class AiLocation(BaseModel):
    file: str = Field(description="a file path exactly as it appears in the input")
    line: int = Field(ge=1, description="1-based line number")
    function: str | None = None
    role: str = Field(default="", description='e.g. "crash site", "loop bound", "cache write"')


class AiHypothesis(BaseModel):
    """One hypothesis as the model writes it (a slim shape that converts to `Hypothesis`).
    The field descriptions travel in the JSON schema: they are the model's instructions."""

    statement: str = Field(min_length=5, description="the root cause, specific to this code")
    category: HypothesisCategory
    pattern: BugPattern = BugPattern.UNKNOWN
    probability: float = Field(ge=0, le=100, description="percent; all together at most 98")
    evidence: list[str] = Field(
        default_factory=list, description="observations in the input that support it"
    )
    falsification_criteria: list[str] = Field(
        default_factory=list, description="what observation would prove it wrong"
    )
    testing_approach: list[str] = Field(
        default_factory=list, description="steps: a breakpoint, a logpoint expression, an input"
    )
    expected_symptoms: list[str] = Field(
        default_factory=list, description="what we would see if it is true"
    )
    locations: list[AiLocation] = Field(default_factory=list)
    same_as: str | None = Field(
        default=None, description="id of the offline hypothesis this restates, if any"
    )


class AiAnswer(BaseModel):
    hypotheses: list[AiHypothesis] = Field(min_length=1)


# -- what is sent --------------------------------------------------------------------------------


def _code_excerpts(context: FailureContext) -> list[dict[str, object]]:
    """Source around the innermost workspace frames, read from files inside the workspace only."""
    root = Path(context.workspace).resolve()
    excerpts: list[dict[str, object]] = []
    seen: set[tuple[str, int]] = set()
    for frame in reversed(context.workspace_frames):
        if len(excerpts) >= MAX_CODE_FRAMES or frame.line is None or frame.workspace_path is None:
            continue
        path = (root / frame.workspace_path).resolve()
        key = (frame.workspace_path, frame.line)
        if key in seen or not path.is_relative_to(root) or not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        seen.add(key)
        start = max(1, frame.line - CODE_CONTEXT_LINES)
        end = min(len(lines), frame.line + CODE_CONTEXT_LINES)
        numbered = "\n".join(f"{n:>5} {lines[n - 1]}" for n in range(start, end + 1))
        excerpts.append({"file": frame.workspace_path, "start_line": start, "source": numbered})
    return excerpts


def _payload(
    context: FailureContext, offline: Sequence[Hypothesis], limit: int
) -> dict[str, object]:
    failure = context.failure
    return {
        "issue_text": context.issue_text[:MAX_TEXT_CHARS],
        "exceptions": [
            {
                "type": e.type,
                "message": e.message,
                "frames": [
                    {
                        "file": f.workspace_path or f.file,
                        "line": f.line,
                        "function": f.function,
                        "code": f.code,
                        "library": f.is_library,
                    }
                    for f in e.frames
                ],
            }
            for e in failure.exceptions
        ],
        "assertion": failure.assertion,
        "failing_test": context.failing_test or next(iter(failure.failing_tests), None),
        "hang": context.hang,
        "intermittent": context.intermittent,
        "environment": context.environment.model_dump(mode="json", exclude_defaults=True),
        "code": _code_excerpts(context),
        "offline_hypotheses": [
            {
                "id": h.id,
                "statement": h.statement,
                "category": h.category.value,
                "pattern": h.pattern.value,
                "probability": h.probability,
                "locations": [
                    loc.model_dump(mode="json", exclude_defaults=True) for loc in h.locations
                ],
            }
            for h in offline
        ],
        "max_hypotheses": limit,
    }


def build_request(
    context: FailureContext, offline: Sequence[Hypothesis], settings: AiSettings
) -> tuple[dict[str, object], list[Finding]]:
    """The request body's parameters (model, max_tokens, system, messages), already redacted,
    and the redaction findings. Pure: nothing is sent."""
    findings: list[Finding] = []
    payload = redact_obj(_payload(context, offline, settings.max_hypotheses), findings)
    request: dict[str, object] = {
        "model": settings.model,
        "max_tokens": settings.max_tokens,
        "system": SYSTEM_PROMPT.format(max_hypotheses=settings.max_hypotheses),
        "messages": [{"role": "user", "content": json.dumps(payload, indent=1)}],
    }
    return request, findings


# -- merging -------------------------------------------------------------------------------------


def _known_files(context: FailureContext, offline: Sequence[Hypothesis]) -> set[str]:
    files = {f.workspace_path or f.file for e in context.failure.exceptions for f in e.frames}
    files |= {loc.file for h in offline for loc in h.locations}
    return files


def _same_place(a: Sequence[CodeLocation], b: Sequence[CodeLocation]) -> bool:
    return any(x.file == y.file and abs(x.line - y.line) <= NEAR_LINES for x in a for y in b)


def _next_ids(offline: Sequence[Hypothesis]) -> int:
    numbers = [int(m.group(1)) for h in offline if (m := re.fullmatch(r"H(\d+)", h.id))]
    return max(numbers, default=0) + 1


def merge(
    offline: Sequence[Hypothesis],
    answer: AiAnswer,
    known_files: set[str],
    limit: int,
) -> list[Hypothesis]:
    """Offline + AI hypotheses as one ranked, normalised set (see the module docstring)."""
    items = answer.hypotheses[:limit]
    ai_total = sum(i.probability for i in items)
    ai_scale = min(1.0, 98.0 / ai_total) if ai_total > 0 else 1.0
    by_id = {h.id: h for h in offline}
    merged: dict[str, Hypothesis] = {h.id: h for h in offline}
    ai_share: dict[str, float] = {}
    next_n = _next_ids(offline)
    for item in items:
        locations = [
            CodeLocation(file=loc.file, line=loc.line, function=loc.function, role=loc.role)
            for loc in item.locations
            if loc.file in known_files  # a place the model invented would become a dead probe
        ]
        evidence = [Evidence(observation=e, source=EvidenceSource.AI) for e in item.evidence]
        target = item.same_as if item.same_as in by_id else None
        if target is None and item.pattern != BugPattern.UNKNOWN:
            target = next(
                (
                    h.id
                    for h in offline
                    if h.pattern == item.pattern and _same_place(h.locations, locations)
                ),
                None,
            )
        share = item.probability * ai_scale
        if target is not None:
            h = merged[target]
            agreement = Evidence(
                observation=f"The AI engine reached the same explanation: {item.statement}",
                source=EvidenceSource.AI,
                hypothesis_id=target,
            )
            merged[target] = h.model_copy(
                update={
                    "supporting_evidence": [*h.supporting_evidence, agreement, *evidence],
                    "falsification_criteria": _union(
                        h.falsification_criteria, item.falsification_criteria
                    ),
                    "testing_approach": _union(h.testing_approach, item.testing_approach),
                }
            )
            ai_share[target] = ai_share.get(target, 0.0) + share
            continue
        new_id = f"H{next_n}"
        next_n += 1
        merged[new_id] = Hypothesis(
            id=new_id,
            statement=item.statement,
            category=item.category,
            pattern=item.pattern,
            probability=share,
            supporting_evidence=evidence,
            falsification_criteria=item.falsification_criteria,
            testing_approach=item.testing_approach,
            expected_symptoms=item.expected_symptoms,
            locations=locations,
            engine=ENGINE,
        )
        ai_share[new_id] = share
    if offline:
        mixed = [
            h.model_copy(
                update={
                    "probability": (
                        (by_id[h.id].probability if h.id in by_id else 0.0)
                        + ai_share.get(h.id, 0.0)
                    )
                    / 2
                }
            )
            for h in merged.values()
        ]
    else:
        mixed = list(merged.values())
    return rank(normalise(mixed))


def _union(a: list[str], b: list[str]) -> list[str]:
    return [*a, *(x for x in b if x not in a)]


# -- the call ------------------------------------------------------------------------------------


def _describe(exc: BaseException, settings: AiSettings) -> str:
    """A short, human reason for a failed call (no secrets: SDK messages do not echo the key)."""
    import anthropic

    if isinstance(exc, anthropic.APITimeoutError):
        return f"timed out after {settings.timeout_s:g} s"
    if isinstance(exc, anthropic.APIConnectionError):
        return f"cannot reach {settings.base_url or 'the Anthropic API'}"
    if isinstance(exc, anthropic.AuthenticationError):
        return "the API key was refused (check ANTHROPIC_API_KEY)"
    if isinstance(exc, anthropic.APIStatusError):
        return f"the API answered HTTP {exc.status_code}"
    if isinstance(exc, ValidationError | ValueError):
        return "the reply did not match the expected hypotheses format"
    return f"{type(exc).__name__}: {exc}"[:200]


def generate_with_ai(
    context: FailureContext,
    offline: list[Hypothesis],
    settings: AiSettings,
    store: Store | None = None,
    session_id: int | None = None,
) -> tuple[list[Hypothesis], str]:
    """The hypotheses to show and a one-line note for the user. When the AI is off or fails, the
    offline hypotheses come back unchanged. With a `store`, the exchange is recorded (under
    `session_id`, or pending until the store's next `save_triage`)."""
    if not settings.enabled:
        return offline, settings.disabled_reason or "AI off"
    request, findings = build_request(context, offline, settings)
    record: dict[str, object] = {
        "url": f"{settings.base_url or 'https://api.anthropic.com'}/v1/messages",
        "body": request,
        "output_format": AiAnswer.__name__,
        "redactions": _count_kinds(findings),
    }
    try:
        import anthropic

        client = anthropic.Anthropic(
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
        )
        with client:
            response = client.messages.parse(
                model=settings.model,
                max_tokens=settings.max_tokens,
                system=str(request["system"]),
                messages=request["messages"],  # type: ignore[arg-type]
                output_format=AiAnswer,
            )
        answer = response.parsed_output
        if answer is None:
            raise ValueError("no structured output in the reply")
    except Exception as exc:  # any failure falls back; the note says which
        reason = _describe(exc, settings)
        if store is not None:
            store.record_ai_exchange(session_id, record, error=reason)
        return offline, f"AI unavailable: {reason}; showing the offline engine's hypotheses"
    if store is not None:
        store.record_ai_exchange(session_id, record, response.model_dump(mode="json"))
    merged = merge(offline, answer, _known_files(context, offline), settings.max_hypotheses)
    added = sum(1 for h in merged if h.engine == ENGINE)
    agreed = len(answer.hypotheses[: settings.max_hypotheses]) - added
    note = f"AI: anthropic {settings.model} ({len(answer.hypotheses[: settings.max_hypotheses])} hypotheses"
    note += f"; {added} new, {agreed} agreeing with the offline engine)"
    return merged, note


def _count_kinds(findings: Sequence[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind.value] = counts.get(f.kind.value, 0) + 1
    return counts
