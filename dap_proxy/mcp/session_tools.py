"""The MCP tools that drive a live Smart Debug Session: `start_session` (a launch.json-shaped
configuration in, a session id out), `session_state`, `hypotheses`, `test_hypothesis`,
`add_probe`, `remove_probe`, `continue`, `step`, `evaluate` and `stop_session`. An agent gets
what a person gets in the editor, under the same rules: probes and evaluations go through the
live session's safety check, nothing writes the user's files, every call is bounded, results
are redacted, and every session ends when the client disconnects.

Each handler is thin: find the session, call the driver (`dap_proxy.mcp.sessions`) in an engine
thread within its bound, return the typed result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from dap_proxy.headless import HeadlessError, LaunchConfig, Phase
from dap_proxy.live.probes import UnsafeProbe, check_expression
from dap_proxy.live.views import relative
from dap_proxy.mcp import verdicts
from dap_proxy.mcp.calls import ToolHost, structured, tool
from dap_proxy.mcp.launch import agent_config
from dap_proxy.mcp.models import (
    EvaluateOutput,
    HypothesisTestOutput,
    ProbeOutput,
    RemovedProbesOutput,
    SessionHypothesesOutput,
    SessionStateOutput,
)
from dap_proxy.mcp.sessions import AgentSession, AgentSessions

START_TIMEOUT = 150.0  # seconds: the proxy, debugpy and the program started (60 s per step)
REQUEST_TIMEOUT = 40.0  # seconds: one request answered (15) and a stop's evidence read (10)
STOP_TIMEOUT = 30.0  # seconds: disconnect answered (5), the proxy gone (5, 5 more after SIGTERM)
CLOSE_ALL_TIMEOUT = 12.0  # seconds for every session to close when the client goes
MAX_WAIT = 120.0  # seconds a call may wait for the program to stop, end or decide
MAX_RESULT_CHARS = 4000  # of an evaluation's result
ExceptionFilter = Literal["uncaught", "raised", "userUnhandled"]
StepKind = Literal["next", "stepIn", "stepOut"]

Session = Annotated[str, Field(description="The id start_session answered, e.g. 's1'.")]


def _wait_field(what: str) -> Any:
    return Field(ge=0, le=MAX_WAIT, description=f"Seconds to wait for {what}.")


def register(host: ToolHost) -> None:
    server, config = host.server, host.config
    sessions = AgentSessions(config.workspace, config.max_sessions)

    async def close_all() -> None:
        # Abandoned when the server must exit at once: each proxy then ends its program itself
        # as its stdio closes.
        await anyio.to_thread.run_sync(sessions.stop_all, CLOSE_ALL_TIMEOUT, abandon_on_cancel=True)

    host.closing.push_async_callback(close_all)

    async def run(
        session_id: str | None,
        work: Callable[[threading.Event], dict[str, object]],
        *,
        seconds: float,
        what: str,
    ) -> CallToolResult:
        def guarded(stop: threading.Event) -> dict[str, object]:
            try:
                return work(stop)
            except HeadlessError as exc:  # the proxy's or debugpy's own words
                raise ToolError(str(exc)) from None

        payload = await host.engines.run(
            guarded,
            seconds=min(seconds, config.timeout),
            what=what,
            advice="session_state says where the program is; stop_session ends it",
        )
        env = sessions.env(str(payload.get("session_id", session_id or "")))
        return structured(payload, env=env)

    def stopped(session: AgentSession, doing: str) -> None:
        phase = session.live.state.phase
        if phase is Phase.ENDED:
            raise ToolError(
                f"cannot {doing}: the program of {session.id} ended; start_session runs it again"
            )
        if phase is not Phase.STOPPED:
            raise ToolError(
                f"cannot {doing}: the program of {session.id} is {phase.value}, not stopped; "
                "session_state with wait_s waits for a stop"
            )

    async def resume(
        session_id: str, how: Literal["continue", "next", "stepIn", "stepOut"], wait_s: float
    ) -> CallToolResult:
        """continue or a step, then the state at the next stop or the end."""

        def work(stop: threading.Event) -> dict[str, object]:
            session = sessions.get(session_id)
            stopped(session, "continue" if how == "continue" else "step")
            driver = session.live
            if how == "continue":
                driver.continue_()
            else:
                driver.step(how)
            session.wait(wait_s, stop)
            return session.state()

        return await run(session_id, work, seconds=REQUEST_TIMEOUT + wait_s, what=how)

    edits = ToolAnnotations(destructive_hint=False, idempotent_hint=False, open_world_hint=False)
    reads = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)

    @tool(server, title="Start a debug session", annotations=edits)
    async def start_session(
        config: Annotated[
            LaunchConfig,
            Field(
                description="A launch.json entry. Launch: `program` or `module`, `args`, "
                "`python`, `cwd` (default: the workspace), `env`. Attach: `request: attach` "
                "with `connect: {host, port}` and `pathMappings`. `smartDebug`: {`traceback`: "
                "the failing output or a file holding it, `issue`: text, `autoLogpoints`}. "
                "`breakpoints: [{file, line, condition?, hitCondition?}]` stop the program; "
                "`logpoints: [{file, line, message}]` log without stopping."
            ),
        ],
        exception_filters: Annotated[
            list[ExceptionFilter],
            Field(description="Exceptions that stop the program (debugpy's filters)."),
        ] = ["uncaught"],  # noqa: B006 (pydantic copies defaults)
        wait_s: Annotated[float, _wait_field("a first stop or the end")] = 10.0,
    ) -> Annotated[CallToolResult, SessionStateOutput]:
        """Start a Smart Debug Session: the program runs under its own smart-debug proxy and
        debugpy (never an editor's session), with hypotheses from `smartDebug.traceback` and
        probes placed to test them. Answers the session id and its state (after waiting up to
        wait_s for a first stop or the end). Sessions end when the client disconnects."""
        launch = agent_config(config, host.config.workspace)

        def work(stop: threading.Event) -> dict[str, object]:
            session = sessions.start(launch, exception_filters, stop)
            session.wait(wait_s, stop)
            return session.state()

        return await run(None, work, seconds=START_TIMEOUT + wait_s, what="start_session")

    @tool(server, title="Where the program is", annotations=reads)
    async def session_state(
        session_id: Session,
        wait_s: Annotated[float, _wait_field("a stop or the end while it runs")] = 0.0,
    ) -> Annotated[CallToolResult, SessionStateOutput]:
        """The session's state: running, stopped (where, why, and this stop's evidence: the
        stack and the top frame's locals, bounded and redacted) or ended (the exit code), with
        the end of the program's output and the live session's notes."""

        def work(stop: threading.Event) -> dict[str, object]:
            session = sessions.get(session_id)
            if not session.closed:
                session.wait(wait_s, stop)
            return session.state()

        return await run(session_id, work, seconds=REQUEST_TIMEOUT + wait_s, what="session_state")

    @tool(server, title="The session's hypotheses", annotations=reads)
    async def hypotheses(session_id: Session) -> Annotated[CallToolResult, SessionHypothesesOutput]:
        """The session's ranked hypotheses now: each with its probability, status (open,
        supported, refuted, confirmed), locations, predictions with their verdicts, the evidence
        that moved it, and the ids of the probes testing it."""

        def work(stop: threading.Event) -> dict[str, object]:
            return verdicts.hypotheses_now(sessions.get(session_id))

        return await run(session_id, work, seconds=REQUEST_TIMEOUT, what="hypotheses")

    @tool(server, title="Test a hypothesis", annotations=edits)
    async def test_hypothesis(
        session_id: Session,
        hypothesis_id: Annotated[str, Field(description="A hypothesis id, e.g. 'H1'.")],
        wait_s: Annotated[float, _wait_field("a verdict while the program runs")] = 10.0,
    ) -> Annotated[CallToolResult, HypothesisTestOutput]:
        """Test a hypothesis on the running program: probes are placed on its lines (safe,
        non-pausing logpoints) and their observations decide it. Answers the verdict and the
        observations that decided it; `pending` when the program must run on (continue) for
        the probes to observe."""

        def work(stop: threading.Event) -> dict[str, object]:
            return verdicts.test_hypothesis(sessions.get(session_id), hypothesis_id, wait_s, stop)

        return await run(session_id, work, seconds=REQUEST_TIMEOUT + wait_s, what="test_hypothesis")

    @tool(server, title="Add a probe", annotations=edits)
    async def add_probe(
        session_id: Session,
        file: Annotated[str, Field(description="The source file, relative to the workspace.")],
        line: Annotated[int, Field(ge=1, description="1-based line.")],
        log_message: Annotated[
            str | None, Field(description="A logpoint message with {expression} parts.")
        ] = None,
        condition: Annotated[str | None, Field(description="Observe only when it holds.")] = None,
        hit_condition: Annotated[
            str | None, Field(description="N, %N, ==N, >N, >=N, <N or <=N hits.")
        ] = None,
        hypothesis_id: Annotated[
            str | None, Field(description="The hypothesis it tests, if any.")
        ] = None,
    ) -> Annotated[CallToolResult, ProbeOutput]:
        """Place a probe that never pauses the program: a logpoint (log_message) or, without
        one, a snapshot of the locals; observations arrive as evidence. Refused with the reason
        when an expression could change the program (only reads and safe builtins pass)."""

        def work(stop: threading.Event) -> dict[str, object]:
            session = sessions.get(session_id)
            probe = session.live.add_probe(
                file,
                line,
                log_message=log_message,
                condition=condition,
                hit_condition=hit_condition,
                hypothesis=hypothesis_id,
            )
            return ProbeOutput(session_id=session.id, probe=probe).model_dump(mode="json")

        return await run(session_id, work, seconds=REQUEST_TIMEOUT, what="add_probe")

    @tool(server, title="Remove a probe", annotations=edits)
    async def remove_probe(
        session_id: Session,
        probe_id: Annotated[str, Field(description="A probe id, e.g. 'p3'.")],
    ) -> Annotated[CallToolResult, RemovedProbesOutput]:
        """Remove a probe from the running program (injected ones: the session's or yours)."""

        def work(stop: threading.Event) -> dict[str, object]:
            session = sessions.get(session_id)
            driver = session.live
            removed = driver.remove_probes([probe_id])
            if not removed:
                placed = [
                    f"{p.id} ({p.file}:{p.line})"
                    for p in driver.probes().probes
                    if p.status == "injected"
                ]
                raise ToolError(
                    f"no probe {probe_id!r} is in place in {session.id} (in place: "
                    f"{', '.join(placed) or 'none'})"
                )
            return RemovedProbesOutput(session_id=session.id, removed=removed).model_dump()

        return await run(session_id, work, seconds=REQUEST_TIMEOUT, what="remove_probe")

    @tool(server, name="continue", title="Continue the program", annotations=edits)
    async def continue_(
        session_id: Session,
        wait_s: Annotated[float, _wait_field("the next stop or the end")] = 10.0,
    ) -> Annotated[CallToolResult, SessionStateOutput]:
        """Resume the stopped program; answers its state after waiting up to wait_s for the
        next stop or the end."""

        return await resume(session_id, "continue", wait_s)

    @tool(server, title="Step", annotations=edits)
    async def step(
        session_id: Session,
        kind: Annotated[
            StepKind, Field(description="next (over), stepIn (into) or stepOut (out of).")
        ] = "next",
        wait_s: Annotated[float, _wait_field("the step to stop")] = 10.0,
    ) -> Annotated[CallToolResult, SessionStateOutput]:
        """Step the stopped program one line (next), into a call (stepIn) or out of the
        function (stepOut); answers the state where it stopped."""

        return await resume(session_id, kind, wait_s)

    @tool(server, title="Evaluate an expression", annotations=edits)
    async def evaluate(
        session_id: Session,
        expression: Annotated[str, Field(min_length=1, description="A Python expression.")],
        frame: Annotated[
            int, Field(ge=0, le=50, description="Stack frame, 0 = where it stopped.")
        ] = 0,
    ) -> Annotated[CallToolResult, EvaluateOutput]:
        """Evaluate an expression in a frame of the stopped program. Only expressions that
        cannot change the program run (names, attributes, subscripts, literals, arithmetic,
        comparisons, safe builtins such as len and repr), unless the server was started with
        --allow-free-evaluate; the result says which."""
        free = config.allow_free_evaluate
        if not free:
            try:
                check_expression(expression)
            except UnsafeProbe as exc:
                raise ToolError(
                    f"refused: {exc}. (This server checks every evaluation; its user can start "
                    "it with --allow-free-evaluate to allow any.)"
                ) from None

        def work(stop: threading.Event) -> dict[str, object]:
            session = sessions.get(session_id)
            stopped(session, "evaluate")
            driver = session.live
            frames = driver.stack_trace(levels=frame + 1)
            if len(frames) <= frame:
                raise ToolError(f"the stack has {len(frames)} frame(s); frame {frame} is past it")
            at = frames[frame]
            result = driver.evaluate(expression, at.id, context="repl" if free else "watch")
            if len(result) > MAX_RESULT_CHARS:
                result = result[:MAX_RESULT_CHARS] + "…"
            return EvaluateOutput(
                session_id=session.id,
                expression=expression,
                result=result,
                evaluation="free" if free else "checked",
                frame=f"{at.name}, {relative(at.file, config.workspace)}:{at.line}",
            ).model_dump()

        return await run(session_id, work, seconds=REQUEST_TIMEOUT, what="evaluate")

    @tool(
        server,
        title="Stop a debug session",
        annotations=ToolAnnotations(destructive_hint=False, idempotent_hint=True),
    )
    async def stop_session(session_id: Session) -> Annotated[CallToolResult, SessionStateOutput]:
        """End the session: a launched program is ended, an attached one detached and left
        running; the proxy and debugpy exit. Answers the final state."""

        def work(stop: threading.Event) -> dict[str, object]:
            session = sessions.get(session_id)
            session.close()
            return session.state()

        return await run(session_id, work, seconds=STOP_TIMEOUT, what="stop_session")
