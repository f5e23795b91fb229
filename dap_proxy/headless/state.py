"""The state of a headless session, folded from the events it received: starting, running,
stopped (where and why), or ended (with the program's exit code); plus the latest bodies of the
live session's `smartDebug/*` events (dap_proxy/live/protocol.py)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from dap_proxy.live.protocol import (
    EVIDENCE_EVENT,
    HYPOTHESES_EVENT,
    SUGGESTIONS_EVENT,
    EvidenceBody,
    HypothesesBody,
    SuggestionsBody,
)
from dap_proxy.wire.framing import Message


class Phase(str, Enum):
    STARTING = "starting"  # before launch/attach was answered
    RUNNING = "running"
    STOPPED = "stopped"
    ENDED = "ended"


class FrameInfo(BaseModel):
    id: int
    name: str
    file: str | None = None
    line: int = 0


class StopInfo(BaseModel):
    """One `stopped` event: why, which thread, the event's own text."""

    reason: str
    thread_id: int | None = None
    description: str = ""
    text: str = ""  # the exception message, for reason "exception"
    all_threads: bool = False
    index: int = 0  # position of the event in the session's events


class SessionState(BaseModel):
    phase: Phase = Phase.STARTING
    stop: StopInfo | None = None  # set while stopped
    exit_code: int | None = None  # from `exited`, when the program ended
    terminated: bool = False  # `terminated` arrived (the debug session is over)
    stops: int = 0  # stops seen so far
    output_bytes: int = 0


class LiveView(BaseModel):
    """The newest `smartDebug/*` bodies, and every evidence body, in arrival order."""

    hypotheses: HypothesesBody | None = None
    suggestions: SuggestionsBody | None = None
    evidence: list[EvidenceBody] = Field(default_factory=list)
    invalid: list[str] = Field(default_factory=list)  # bodies that did not match the protocol


def fold(events: list[Message], state: SessionState, live: LiveView, start: int) -> int:
    """Apply `events[start:]` to `state` and `live` in place; returns the next start index."""
    for index in range(start, len(events)):
        event = events[index]
        name = event.get("event")
        body: dict[str, Any] = event.get("body") or {}
        if name == "stopped":
            state.phase = Phase.STOPPED
            state.stops += 1
            state.stop = StopInfo(
                reason=str(body.get("reason", "")),
                thread_id=body.get("threadId"),
                description=str(body.get("description", "") or ""),
                text=str(body.get("text", "") or ""),
                all_threads=bool(body.get("allThreadsStopped", False)),
                index=index,
            )
        elif name == "continued":
            if state.phase is not Phase.ENDED:
                state.phase = Phase.RUNNING
                state.stop = None
        elif name == "exited":
            state.exit_code = body.get("exitCode")
        elif name == "terminated":
            state.terminated = True
            state.phase = Phase.ENDED
            state.stop = None
        elif name == "output" and body.get("category") in ("stdout", "stderr"):
            state.output_bytes += len(str(body.get("output", "")))
        elif name in (HYPOTHESES_EVENT, SUGGESTIONS_EVENT, EVIDENCE_EVENT):
            _live(name, body, live)
    return len(events)


def _live(name: str, body: dict[str, Any], live: LiveView) -> None:
    try:
        if name == HYPOTHESES_EVENT:
            live.hypotheses = HypothesesBody.model_validate(body)
        elif name == SUGGESTIONS_EVENT:
            live.suggestions = SuggestionsBody.model_validate(body)
        else:
            live.evidence.append(EvidenceBody.model_validate(body))
    except ValidationError as exc:
        live.invalid.append(f"{name}: {exc.errors()[0]['msg']}")
