"""`HeadlessSession`: one debug session through smart-debug's proxy, driven as an editor drives
it (DAP spec "Launch Sequencing": initialize, launch/attach, `initialized`, setBreakpoints,
setExceptionBreakpoints, configurationDone). The proxy runs as `python -m dap_proxy` in its own
process session (a terminal's Ctrl-C reaches only us; `close()` then ends everything in order),
or is reached over TCP (`smart-debug dap --port N`).

Every wait names a timeout (`Timeouts`); state is folded from the events under the client's
lock, so any thread may call any method (the MCP server calls them from worker threads).
The live session's custom requests answer `LiveUnavailable` when the proxy has no live room.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from dap_proxy.headless.config import LaunchConfig, SourceBreakpoint, Timeouts
from dap_proxy.headless.state import FrameInfo, LiveView, Phase, SessionState, StopInfo, fold
from dap_proxy.live.protocol import (
    EVIDENCE_EVENT,
    EvidenceBody,
    HypothesesBody,
    ProbesBody,
    ProbeView,
    TestHypothesisBody,
)
from dap_proxy.wire.client import DapClient, DapConnectionClosed, DapError, DapRequestFailed
from dap_proxy.wire.framing import Message

PROXY_ARGV = (sys.executable, "-m", "dap_proxy")
DEFAULT_OUTPUT_BUDGET = 8 * 1024 * 1024  # bytes of program output kept; the rest is counted
CLIENT_ID = "smart-debug-headless"
StepKind = Literal["next", "stepIn", "stepOut"]


class HeadlessError(RuntimeError):
    """The session could not do what was asked; the message says what happened."""


class LiveUnavailable(HeadlessError):
    """The proxy answered a `smartDebug/*` request as unknown: it has no live-session room."""


class HeadlessSession:
    def __init__(self, client: DapClient, timeouts: Timeouts | None = None) -> None:
        self.client = client
        self.timeouts = timeouts or Timeouts()
        self.capabilities: dict[str, Any] = {}
        self.started_at = time.monotonic()
        self._state = SessionState()
        self._live = LiveView()
        self._folded = 0
        self._lock = threading.Lock()
        self._closed = False
        self._launch_seq: int | None = None

    # ----------------------------------------------------------------- starting
    @classmethod
    def spawn(
        cls,
        *,
        proxy_argv: Sequence[str] = PROXY_ARGV,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        timeouts: Timeouts | None = None,
        output_budget: int | None = DEFAULT_OUTPUT_BUDGET,
    ) -> HeadlessSession:
        """Start the proxy on stdio (not yet initialized: call `start`)."""
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("PYTHONUNBUFFERED", "1")
        try:
            client = DapClient.spawn(
                list(proxy_argv),
                env=full_env,
                cwd=str(cwd) if cwd is not None else None,
                new_session=True,
                output_budget=output_budget,
            )
        except OSError as exc:
            raise HeadlessError(f"cannot start the proxy `{' '.join(proxy_argv)}`: {exc}") from exc
        return cls(client, timeouts)

    @classmethod
    def connect(
        cls,
        host: str,
        port: int,
        *,
        timeouts: Timeouts | None = None,
        output_budget: int | None = DEFAULT_OUTPUT_BUDGET,
    ) -> HeadlessSession:
        """Reach a proxy already listening (`smart-debug dap --port N`)."""
        timeouts = timeouts or Timeouts()
        try:
            client = DapClient.connect(
                host, port, timeout=timeouts.start, output_budget=output_budget
            )
        except OSError as exc:
            raise HeadlessError(f"cannot connect to the proxy at {host}:{port}: {exc}") from exc
        return cls(client, timeouts)

    def start(
        self,
        config: LaunchConfig,
        breakpoints: Mapping[str | Path, Iterable[SourceBreakpoint]] | None = None,
        exception_filters: Sequence[str] = (),
        before_configuration_done: Callable[[HeadlessSession], None] | None = None,
    ) -> Message:
        """The whole launch sequence (`begin` then `configure`); returns the launch/attach
        response."""
        self.begin(config)
        return self.configure(breakpoints, exception_filters, before_configuration_done)

    def begin(self, config: LaunchConfig) -> None:
        """initialize, launch/attach, and wait for `initialized`: the program is started and
        waits for `configure` (so its start-up can overlap other work). Raises `HeadlessError`
        when the proxy or debugpy refuses the configuration (the message is theirs)."""
        try:
            self.capabilities = (
                self.client.request(
                    "initialize",
                    {
                        "clientID": CLIENT_ID,
                        "clientName": "smart-debug (headless)",
                        "adapterID": "smart-debug",
                        "pathFormat": "path",
                        "linesStartAt1": True,
                        "columnsStartAt1": True,
                        "supportsVariableType": True,
                    },
                    timeout=self.timeouts.start,
                    check=True,
                ).get("body")
                or {}
            )
            self._launch_seq = self.client.send_request(config.request, config.arguments())
            self._wait_initialized(self._launch_seq)
        except DapRequestFailed as exc:
            raise HeadlessError(_failure_text(exc.response)) from exc
        except DapError as exc:
            raise HeadlessError(f"the debug session did not start: {exc}") from exc

    def configure(
        self,
        breakpoints: Mapping[str | Path, Iterable[SourceBreakpoint]] | None = None,
        exception_filters: Sequence[str] = (),
        before_configuration_done: Callable[[HeadlessSession], None] | None = None,
    ) -> Message:
        """Breakpoints, exception filters, the hook (e.g. `add_probe` calls, so the very first
        run observes them), configurationDone; returns the launch/attach response."""
        if self._launch_seq is None:
            raise HeadlessError("configure() before begin(): the session has not been launched")
        try:
            for path, items in (breakpoints or {}).items():
                self.set_breakpoints(path, items)
            self.client.request(
                "setExceptionBreakpoints",
                {"filters": list(exception_filters)},
                timeout=self.timeouts.request,
                check=True,
            )
            if before_configuration_done is not None:
                before_configuration_done(self)
            self.client.request("configurationDone", timeout=self.timeouts.start, check=True)
            response = self.client.wait_response(self._launch_seq, timeout=self.timeouts.start)
        except DapRequestFailed as exc:
            raise HeadlessError(_failure_text(exc.response)) from exc
        except DapError as exc:
            raise HeadlessError(f"the debug session did not start: {exc}") from exc
        if not response.get("success"):
            raise HeadlessError(_failure_text(response))
        with self._lock:
            self._refresh()
            if self._state.phase is Phase.STARTING:
                self._state.phase = Phase.RUNNING
        return response

    def _wait_initialized(self, launch_seq: int) -> None:
        """`initialized`, or the launch/attach failing first (a bad program, a refused
        smartDebug block): then say why instead of waiting out the timeout."""

        def check(events: list[Message]) -> bool | None:
            if any(e.get("event") == "initialized" for e in events):
                return True
            return None

        deadline = time.monotonic() + self.timeouts.start
        while True:
            try:
                self.client.wait_until(check, timeout=min(0.2, self.timeouts.start))
                return
            except DapConnectionClosed:
                raise
            except DapError:
                pass
            early = self.client.peek_response(launch_seq)  # answered before `initialized`
            if early is not None and not early.get("success"):
                raise DapRequestFailed(early)
            if time.monotonic() > deadline:
                raise HeadlessError(
                    f"no `initialized` event within {self.timeouts.start:g}s of launch/attach"
                )

    # ----------------------------------------------------------------- state
    def _refresh(self) -> None:
        self._folded = fold(self.client.events, self._state, self._live, self._folded)
        if self.client.disconnected.is_set() and self._state.phase is not Phase.ENDED:
            self._state.phase = Phase.ENDED

    @property
    def state(self) -> SessionState:
        with self._lock:
            self._refresh()
            state = self._state.model_copy(deep=True)
        state.output_bytes += self.client.dropped_output_bytes
        return state

    @property
    def live(self) -> LiveView:
        """The latest `smartDebug/*` bodies (empty until the live session sends them)."""
        with self._lock:
            self._refresh()
            return self._live.model_copy(deep=True)

    @property
    def events(self) -> list[Message]:
        return list(self.client.events)

    def output(self, categories: Iterable[str] = ("stdout", "stderr")) -> str:
        wanted = set(categories)
        return "".join(
            str(e.get("body", {}).get("output", ""))
            for e in list(self.client.events)
            if e.get("event") == "output" and e.get("body", {}).get("category") in wanted
        )

    def wait_stop_or_end(self, timeout: float) -> SessionState:
        """Until the program is stopped or the session ended; `HeadlessError` on timeout
        (the program is still running: pause it, or close the session)."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state
            if state.phase in (Phase.STOPPED, Phase.ENDED):
                return state
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HeadlessError(f"the program is still running after {timeout:g}s")
            self._wait_new_event(remaining)

    def wait_stopped(self, timeout: float) -> StopInfo | None:
        """The current stop, or None when the session ended instead."""
        state = self.wait_stop_or_end(timeout)
        return state.stop

    def wait_ended(self, timeout: float) -> int | None:
        """Until the session ends (stops in between are left alone); the exit code."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state
            if state.phase is Phase.ENDED:
                return state.exit_code
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HeadlessError(f"the session has not ended after {timeout:g}s")
            self._wait_new_event(remaining)

    def wait_event(self, name: str, timeout: float, since: int = 0) -> Message | None:
        """The first event `name` at or after index `since` in `events`, or None after
        `timeout` or when the session ended without it."""
        deadline = time.monotonic() + timeout

        def check(events: list[Message]) -> Message | None:
            for event in events[since:]:
                if event.get("event") == name:
                    return event
            return None

        while True:
            found = check(self.client.events)
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.client.disconnected.is_set():
                return None
            self._wait_new_event(remaining)

    def stop_evidence(self, timeout: float) -> EvidenceBody | None:
        """The live session's `smartDebug/evidence` of the current stop (its frames, bounded and
        redacted locals, the exception), waiting up to `timeout` for it; None when the program
        is not stopped, moved on, or the evidence has not come (no live room, or still read)."""
        stop = self.state.stop
        if stop is None:
            return None
        moved_on = ("stopped", "continued", "terminated")

        def check(events: list[Message]) -> Message | bool | None:
            for event in events[stop.index + 1 :]:
                if event.get("event") in moved_on:
                    return False
                body = event.get("body") or {}
                if event.get("event") == EVIDENCE_EVENT and body.get("kind") == "stop":
                    return event
            return None

        try:
            found = self.client.wait_until(check, timeout=timeout)
        except DapError:
            return None
        if not isinstance(found, dict):
            return None
        try:
            return EvidenceBody.model_validate(found.get("body") or {})
        except ValueError:
            return None

    def _wait_new_event(self, timeout: float) -> None:
        count = len(self.client.events)
        dropped = self.client.dropped_output_bytes
        try:
            self.client.wait_until(
                lambda events: (
                    True
                    if len(events) > count or self.client.dropped_output_bytes != dropped
                    else None
                ),
                timeout=timeout,
            )
        except DapConnectionClosed:
            with self._lock:
                self._refresh()
        except DapError:
            pass

    # ----------------------------------------------------------------- requests
    def request(self, command: str, arguments: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A request's response body; `HeadlessError` with the adapter's message on failure."""
        try:
            response = self.client.request(command, arguments, timeout=self.timeouts.request)
        except DapError as exc:
            raise HeadlessError(f"`{command}` got no answer: {exc}") from exc
        if not response.get("success"):
            raise HeadlessError(_failure_text(response))
        return response.get("body") or {}

    def set_breakpoints(
        self, path: str | Path, breakpoints: Iterable[SourceBreakpoint]
    ) -> list[dict[str, Any]]:
        body = self.request(
            "setBreakpoints",
            {
                "source": {"path": str(path)},
                "breakpoints": [b.to_dap() for b in breakpoints],
            },
        )
        return list(body.get("breakpoints", []))

    def threads(self) -> list[dict[str, Any]]:
        return list(self.request("threads").get("threads", []))

    def _thread(self, thread_id: int | None) -> int:
        if thread_id is not None:
            return thread_id
        stop = self.state.stop
        if stop is not None and stop.thread_id is not None:
            return stop.thread_id
        threads = self.threads()
        if not threads:
            raise HeadlessError("the program has no threads (it has ended)")
        return int(threads[0]["id"])

    def stack_trace(self, thread_id: int | None = None, levels: int = 20) -> list[FrameInfo]:
        body = self.request(
            "stackTrace", {"threadId": self._thread(thread_id), "startFrame": 0, "levels": levels}
        )
        return [
            FrameInfo(
                id=int(f["id"]),
                name=str(f.get("name", "")),
                file=(f.get("source") or {}).get("path"),
                line=int(f.get("line", 0)),
            )
            for f in body.get("stackFrames", [])
        ]

    def locals(self, frame_id: int) -> dict[str, str]:
        """The first scope's variables (debugpy: Locals) as name -> value text."""
        scopes = self.request("scopes", {"frameId": frame_id}).get("scopes", [])
        if not scopes:
            return {}
        variables = self.request(
            "variables", {"variablesReference": scopes[0]["variablesReference"]}
        ).get("variables", [])
        return {str(v["name"]): str(v.get("value", "")) for v in variables}

    def evaluate(self, expression: str, frame_id: int | None = None, context: str = "repl") -> str:
        arguments: dict[str, Any] = {"expression": expression, "context": context}
        if frame_id is not None:
            arguments["frameId"] = frame_id
        return str(self.request("evaluate", arguments).get("result", ""))

    def exception_info(self, thread_id: int | None = None) -> dict[str, Any]:
        return self.request("exceptionInfo", {"threadId": self._thread(thread_id)})

    def continue_(self, thread_id: int | None = None) -> None:
        self._resume("continue", thread_id)

    def step(self, kind: StepKind = "next", thread_id: int | None = None) -> None:
        self._resume(kind, thread_id)

    def pause(self, thread_id: int | None = None) -> None:
        self.request("pause", {"threadId": self._thread(thread_id)})

    def _resume(self, command: str, thread_id: int | None) -> None:
        thread = self._thread(thread_id)
        mark = self.client.mark()
        self.request(command, {"threadId": thread})
        with self._lock:
            self._refresh()
            stop = self._state.stop
            if self._state.phase is Phase.STOPPED and (stop is None or stop.index < mark):
                self._state.phase = Phase.RUNNING
                self._state.stop = None

    # ----------------------------------------------------------------- the live session
    def _custom(self, command: str, arguments: Mapping[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = self.client.request(command, arguments or {}, timeout=self.timeouts.request)
        except DapError as exc:
            raise HeadlessError(f"`{command}` got no answer: {exc}") from exc
        if not response.get("success"):
            message = str(response.get("message") or "")
            # debugpy's own answer to a command it does not know: "... <command> not in [...]"
            if f"{command} not in [" in message or "unrecognized" in message.lower():
                raise LiveUnavailable(
                    f"the proxy has no live session room: debugpy answered `{command}` "
                    "as an unknown command"
                )
            raise HeadlessError(_failure_text(response))
        return response.get("body") or {}

    def hypotheses(self) -> HypothesesBody:
        return HypothesesBody.model_validate(self._custom("smartDebug/hypotheses"))

    def test_hypothesis(self, hypothesis_id: str) -> TestHypothesisBody:
        body = self._custom("smartDebug/testHypothesis", {"id": hypothesis_id})
        return TestHypothesisBody.model_validate(body)

    def probes(self) -> ProbesBody:
        return ProbesBody.model_validate(self._custom("smartDebug/probes"))

    def remove_probes(self, ids: Sequence[str] | None = None) -> list[str]:
        arguments = {} if ids is None else {"ids": list(ids)}
        return [
            str(i) for i in self._custom("smartDebug/removeProbes", arguments).get("removed", [])
        ]

    def add_probe(
        self,
        file: str,
        line: int,
        *,
        log_message: str | None = None,
        condition: str | None = None,
        hit_condition: str | None = None,
        hypothesis: str | None = None,
    ) -> ProbeView:
        arguments: dict[str, Any] = {"file": file, "line": line}
        for key, value in (
            ("logMessage", log_message),
            ("condition", condition),
            ("hitCondition", hit_condition),
            ("hypothesis", hypothesis),
        ):
            if value is not None:
                arguments[key] = value
        body = self._custom("smartDebug/addProbe", arguments)
        return ProbeView.model_validate(body.get("probe", body))

    # ----------------------------------------------------------------- closing
    def close(self, terminate: bool = True) -> int | None:
        """Disconnect (ending the program unless `terminate` is False and it was attached),
        then make sure the proxy process is gone. Safe to call twice; returns the proxy's
        exit code (None over TCP)."""
        with self._lock:
            if self._closed:
                return None
            self._closed = True
        if not self.client.disconnected.is_set():
            # already gone, or stuck: client.close() below ends the process either way
            with contextlib.suppress(DapError):
                self.client.request(
                    "disconnect",
                    {"terminateDebuggee": terminate, "restart": False},
                    timeout=self.timeouts.close,
                )
        code = self.client.close(timeout=self.timeouts.close)
        with self._lock:
            self._refresh()
        return code

    def __enter__(self) -> HeadlessSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _failure_text(response: Message) -> str:
    body = response.get("body") or {}
    error = body.get("error") if isinstance(body, dict) else None
    detail = ""
    if isinstance(error, dict) and error.get("format"):
        detail = str(error["format"])
    message = str(response.get("message") or "")
    text = detail if detail and detail not in message else message
    return f"`{response.get('command')}` failed: {text or 'no reason given'}"
