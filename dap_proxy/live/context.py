"""Where a live session starts from: the failure it is about and the hypotheses about it.

In order: `smartDebug.session` (the hypotheses of a stored session, tested again); the launch
config's `smartDebug.issue` and/or `smartDebug.traceback` (a path, relative
to the workspace or absolute, or the failure output itself); else the most recent failure in the
workspace store (recorded by triage, localize or an earlier session); else none, and the session
observes. Runs in a worker thread (it reads code and may call the AI engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dap_proxy.hypotheses.engine import generate_offline
from dap_proxy.hypotheses.models import (
    FailureContext,
    Hypothesis,
    PredictionVerdict,
    StrategyChoice,
)
from dap_proxy.hypotheses.strategy import select_strategy
from dap_proxy.hypotheses.triage import TriageInputError, run_triage
from dap_proxy.live.options import SmartDebugOptions

MAX_TRACEBACK_BYTES = 2_000_000  # a longer file is cut: the first failure is near its start


@dataclass
class Start:
    """The failure context of a session and its first hypotheses."""

    context: FailureContext | None = None
    source: str = ""  # "launch config", "store session #N", or "" when observing
    hypotheses: list[Hypothesis] = field(default_factory=list)
    strategy: StrategyChoice | None = None
    notes: list[str] = field(default_factory=list)  # for the user's Debug Console


def traceback_text(value: str, workspace: Path) -> str:
    """`smartDebug.traceback`: the text of the file it names, else the value itself."""
    if "\n" not in value and len(value) < 4096:
        candidate = Path(value).expanduser()
        candidate = candidate if candidate.is_absolute() else workspace / candidate
        if candidate.is_file():
            with candidate.open("rb") as handle:
                return handle.read(MAX_TRACEBACK_BYTES).decode("utf-8", errors="replace")
    return value


def from_text(text: str, workspace: Path, ai: str, source: str) -> Start:
    """Triage `text` (not recorded by triage itself: the session records it)."""
    try:
        result = run_triage(text, workspace, ai=ai, use_store=False)
    except TriageInputError as exc:
        return Start(notes=[f"smart-debug: the failure in the launch config was not usable: {exc}"])
    return Start(result.context, source, result.hypotheses, result.strategy, result.notes)


def from_context(context: FailureContext, source: str) -> Start:
    hypotheses = generate_offline(context)
    return Start(context, source, hypotheses, select_strategy(context))


def from_session(store: Any, session_id: int) -> Start:
    """Test again the hypotheses a stored session ended with, their predictions as recorded
    (what `verify` does after a fix: each prediction must now fail)."""
    context = store.failure_context(session_id)
    hypotheses = store.hypotheses(session_id)
    for h in hypotheses:
        for prediction in h.predictions:
            prediction.verdict = PredictionVerdict.PENDING
            prediction.observations = 0
    return Start(context, f"store session #{session_id}", hypotheses, select_strategy(context))


def resolve_start(options: SmartDebugOptions, workspace: Path, store: Any | None) -> Start:
    """The session's starting point (module docstring). `store` is a `Store` or None."""
    if options.session is not None:
        if store is None:
            return Start(
                notes=[
                    f"smart-debug: smartDebug.session {options.session}: there is "
                    f"no store in {workspace}"
                ]
            )
        try:
            return from_session(store, options.session)
        except Exception as exc:  # StoreError: no such session
            return Start(notes=[f"smart-debug: smartDebug.session {options.session}: {exc}"])
    parts = [options.issue.strip()]
    if options.traceback.strip():
        parts.append(traceback_text(options.traceback.strip(), workspace))
    text = "\n".join(p for p in parts if p)
    if text:
        return from_text(text, workspace, options.ai, "launch config")
    if store is not None:
        found = store.latest_failure()
        if found is not None:
            session_id, context = found
            return from_context(context, f"store session #{session_id}")
    return Start()
