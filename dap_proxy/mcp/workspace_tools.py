"""The MCP tools that need no running program: `triage` (failure text in, hypotheses, strategy
and probes out), `localize` (a failing test command in, ranked lines out, with progress) and
`history` (similar past sessions from the workspace store). Each is a thin handler: check the
arguments, run the engine through `host.engines`, return its JSON contract redacted.
"""

from __future__ import annotations

import contextlib
import shlex
import threading
import time
from pathlib import Path
from typing import Annotated

import anyio
import anyio.from_thread
import anyio.lowlevel
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from dap_proxy.experiments.localize_state import (
    DEFAULT_BUDGET,
    DEFAULT_TEST_TIMEOUT,
    LocalizeOptions,
    Progress,
)
from dap_proxy.experiments.models import ALL_EXPERIMENTS, ExperimentKind
from dap_proxy.mcp.calls import ServerConfig, ToolHost, inside_workspace, structured, tool
from dap_proxy.mcp.models import HistoryOutput, LocalizeOutput, TriageOutput

TRIAGE_TIMEOUT = 120.0  # seconds; a pasted log of the largest size triage reads takes a few
HISTORY_TIMEOUT = 30.0  # seconds; the store waits up to 10 s for a lock held elsewhere
# Copying the project and starting the test workers (up to 30 s each) come on top of the budget.
LOCALIZE_GRACE = 60.0
MAX_LOCALIZE_BUDGET = 600.0
PROGRESS_INTERVAL = 0.5  # seconds between progress notifications within one phase


def register(host: ToolHost) -> None:
    server, config = host.server, host.config

    @tool(
        server,
        title="Triage a failure",
        annotations=ToolAnnotations(destructive_hint=False, open_world_hint=False),
    )
    async def triage(
        text: Annotated[
            str,
            Field(
                description="The failure as a person would paste it: an error message, a "
                "traceback, pytest or Node output, reproduction steps, issue text."
            ),
        ],
        limit: Annotated[int, Field(ge=3, le=5, description="Hypotheses to produce.")] = 5,
        record: Annotated[
            bool, Field(description="Record this triage in the workspace store (.smart-debug/).")
        ] = True,
    ) -> Annotated[CallToolResult, TriageOutput]:
        """Map a failure to the workspace's code: the debugging strategy, 3-5 ranked hypotheses
        (each with falsification criteria and probes), breakpoint/logpoint suggestions best first,
        and similar past sessions. Offline and fast; reads the code, changes nothing."""
        if not text.strip():
            raise ToolError(
                "`text` is empty: pass the error message, traceback or issue description to triage"
            )
        return structured(
            await host.engines.run(
                lambda stop: _triage(config, text, limit, record),
                seconds=min(TRIAGE_TIMEOUT, config.timeout),
                what="triage",
                advice="pass a shorter text (the traceback and the lines around it)",
            )
        )

    @tool(
        server,
        title="Localize a bug by experiments",
        annotations=ToolAnnotations(destructive_hint=False, open_world_hint=False),
    )
    async def localize(
        ctx: Context,
        command: Annotated[
            list[str] | str,
            Field(
                description="The failing test command, as argv or one shell-quoted string, e.g. "
                '["python", "-m", "pytest", "tests/test_cart.py"].'
            ),
        ],
        budget_s: Annotated[
            float,
            Field(gt=0, le=MAX_LOCALIZE_BUDGET, description="Seconds for the whole run."),
        ] = DEFAULT_BUDGET,
        top: Annotated[int, Field(ge=1, le=50, description="Suggestions to return.")] = 10,
        folder: Annotated[
            str, Field(description="Where to run the command, relative to the workspace.")
        ] = ".",
        experiments: Annotated[
            list[ExperimentKind] | None,
            Field(description="A subset of the experiments to run (default: all)."),
        ] = None,
        test_timeout_s: Annotated[
            float,
            Field(gt=0, le=60, description="Seconds a test may run before it counts as a hang."),
        ] = DEFAULT_TEST_TIMEOUT,
    ) -> Annotated[CallToolResult, LocalizeOutput]:
        """Run a failing test command and rank the lines most likely to hold the bug, from
        per-test coverage, static analysis, mutants and repeated runs; each suggestion says why
        and which probe to place. Runs in a scratch copy: the user's files are never changed.
        Sends progress notifications while it runs."""
        argv = _argv(command)
        cwd = _folder(config.workspace, folder)
        token = anyio.lowlevel.current_token()
        bound = min(budget_s + LOCALIZE_GRACE, config.timeout)

        def work(stop: threading.Event) -> dict[str, object]:
            progress = _progress(ctx, token, budget_s)
            options = _options(argv, cwd, budget_s, top, experiments, test_timeout_s)
            return _localize(config, options, progress, stop)

        return structured(
            await host.engines.run(
                work,
                seconds=bound,
                what="localize",
                advice="give a smaller budget_s or a command that runs fewer tests",
            )
        )

    @tool(
        server,
        title="Similar past sessions",
        annotations=ToolAnnotations(
            read_only_hint=True, destructive_hint=False, open_world_hint=False
        ),
    )
    async def history(
        query: Annotated[
            str,
            Field(
                description="An error message, traceback or words to look for; empty: the newest "
                "sessions."
            ),
        ] = "",
        limit: Annotated[int, Field(ge=1, le=50, description="Sessions to return.")] = 10,
    ) -> Annotated[CallToolResult, HistoryOutput]:
        """Past debugging sessions of this workspace (triage, localize, live sessions) that look
        like `query`: the same error signature first, then full-text matches, each with its root
        cause when one was recorded."""
        return structured(
            await host.engines.run(
                lambda stop: _history(config, query, limit),
                seconds=min(HISTORY_TIMEOUT, config.timeout),
                what="history",
                advice="the store may be locked by another process; try again",
            )
        )


def _triage(config: ServerConfig, text: str, limit: int, record: bool) -> dict[str, object]:
    from dap_proxy.hypotheses.triage import TriageInputError, run_triage, to_json

    try:
        # The agent is the AI here: the Anthropic engine stays off whatever the settings say.
        result = run_triage(text, config.workspace, ai="off", use_store=record, limit=limit)
    except TriageInputError as exc:
        raise ToolError(str(exc)) from None
    return to_json(result)


def _argv(command: list[str] | str) -> list[str]:
    if isinstance(command, str):
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise ToolError(f"`command` cannot be split into words ({exc}); pass a list") from None
    else:
        argv = list(command)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv or not argv[0].strip():
        raise ToolError(
            "`command` is empty: give the failing test command, e.g. "
            '["python", "-m", "pytest", "tests/test_cart.py"]'
        )
    return argv


def _folder(workspace: Path, folder: str) -> Path:
    path = inside_workspace(workspace, folder, "folder")
    if not path.is_dir():
        raise ToolError(f"`folder` {folder!r} is not a folder of the workspace {workspace}")
    return path


def _progress(ctx: Context, token: anyio.lowlevel.EventLoopToken, budget: float) -> Progress:
    """localize's progress callback (called in its thread) as MCP progress notifications: the
    seconds spent out of the budget, the phase in the message."""
    started = time.monotonic()
    last_value, last_sent, last_what = -1.0, 0.0, ""

    def progress(what: str, fraction: float | None) -> None:
        nonlocal last_value, last_sent, last_what
        now = time.monotonic()
        value = min(round(now - started, 1), budget)
        if value <= last_value or (what == last_what and now - last_sent < PROGRESS_INTERVAL):
            return  # progress must increase; within a phase, a few a second are enough
        last_value, last_sent, last_what = value, now, what
        message = what if fraction is None else f"{what} ({fraction:.0%})"
        # A lost notification (the client gone) must not end the run.
        with contextlib.suppress(Exception):
            anyio.from_thread.run(ctx.report_progress, value, budget, message, token=token)

    return progress


def _options(
    argv: list[str],
    cwd: Path,
    budget: float,
    top: int,
    experiments: list[ExperimentKind] | None,
    test_timeout: float,
) -> LocalizeOptions:
    return LocalizeOptions(
        command=argv,
        cwd=cwd,
        top=top,
        budget=budget,
        experiments=set(experiments or ALL_EXPERIMENTS),
        test_timeout=test_timeout,
    )


def _localize(
    config: ServerConfig, options: LocalizeOptions, progress: Progress, stop: threading.Event
) -> dict[str, object]:
    from dap_proxy.experiments.localize import LocalizeError, localize
    from dap_proxy.experiments.recording import record
    from dap_proxy.experiments.report import to_json

    try:
        report = localize(options, progress, stop)
    except LocalizeError as exc:
        raise ToolError(str(exc)) from None
    record(config.workspace, report)
    return to_json(report)


def _history(config: ServerConfig, query: str, limit: int) -> dict[str, object]:
    from dap_proxy.evidence.store import DB_NAME, STORE_DIR, SimilarSession, Store, StoreError
    from dap_proxy.hypotheses.context import build_context

    if not (config.workspace / STORE_DIR / DB_NAME).is_file():
        return HistoryOutput(
            query=query,
            sessions=[],
            notes=[
                f"no session is recorded in {config.workspace} yet: triage, localize and Smart "
                f"Debug Sessions record theirs in {STORE_DIR}/"
            ],
        ).model_dump(mode="json")
    try:
        with Store.open(config.workspace) as store:
            if query.strip():
                sessions = store.similar_to(build_context(query, config.workspace), limit)
            else:
                sessions = [
                    SimilarSession(
                        session_id=r.id,
                        title=r.title,
                        kind=r.kind,
                        created_at=r.created_at,
                        signature=r.signature,
                        error_type=r.error_type,
                        message=r.message,
                        root_cause=r.root_cause,
                        match="recent",
                    )
                    for r in store.recent_sessions(limit)
                ]
    except StoreError as exc:
        raise ToolError(str(exc)) from None
    return HistoryOutput(query=query, sessions=sessions).model_dump(mode="json")
