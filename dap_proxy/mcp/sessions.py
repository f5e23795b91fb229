"""The debug sessions an agent started: each one a `HeadlessSession` (dap_proxy/headless) through
a proxy of its own (`python -m dap_proxy`, then debugpy), never a person's editor session; at
most `max_sessions` open at once; every one closed, its processes with it, when the MCP client
goes. Synchronous and thread-safe: the session tools call it from their engine threads, and what
it returns is plain JSON for `calls.structured`, which redacts it.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from mcp.server.mcpserver.exceptions import ToolError

from dap_proxy.headless import HeadlessError, HeadlessSession, LaunchConfig, Phase, Timeouts
from dap_proxy.live.envfile import read_env_file
from dap_proxy.live.protocol import EvidenceBody
from dap_proxy.live.views import relative
from dap_proxy.mcp.models import SessionStateOutput, StopWhere

OUTPUT_BUDGET = 1024 * 1024  # bytes of program output a session keeps (the rest is counted)
OUTPUT_TAIL = 2000  # characters of it a state shows
NOTES_KEPT = 10  # the live session's latest `smart-debug:` console notes a state shows
ENDED_KEPT = 20  # closed sessions whose last state stays readable
CLOSE_TIMEOUT = 5.0  # seconds for a session's disconnect, then again for its proxy to exit
EVIDENCE_WAIT = 10.0  # seconds for the live session to read a stop (what an editor reads)
WAIT_SLICE = 0.25  # seconds between two looks at the call's stop flag while waiting


class AgentSession:
    """One session: its launch configuration, its driver once spawned, whether it is closed."""

    def __init__(self, session_id: str, config: LaunchConfig, workspace: Path) -> None:
        self.id = session_id
        self.config = config
        self.workspace = workspace
        # secrets the program was given (its `env`, over its `envFile`, which the live session
        # reads the same way) are redacted from results like the server's own
        from_file = read_env_file(config.arguments(), []) or {}
        self.env: dict[str, str] = {**os.environ, **from_file, **config.env}
        self.driver: HeadlessSession | None = None
        self.closed = False
        self.ended_first = False  # the program had ended by itself when the session closed
        self._lock = threading.Lock()

    def start(self, exception_filters: Sequence[str]) -> None:
        driver = HeadlessSession.spawn(
            cwd=self.workspace, timeouts=Timeouts(close=CLOSE_TIMEOUT), output_budget=OUTPUT_BUDGET
        )
        with self._lock:
            self.driver, closing = driver, self.closed
        if closing:  # closed (the client gone) while the proxy was spawned
            driver.close()
            raise ToolError("the server is shutting down: the session was not started")
        driver.start(self.config, exception_filters=exception_filters)

    @property
    def live(self) -> HeadlessSession:
        """The driver of a session still open; a ToolError once it is closed."""
        driver = self.driver
        if driver is None or self.closed:
            raise ToolError(f"session {self.id} is closed; start_session starts a new one")
        return driver

    @property
    def phase(self) -> Phase:
        return Phase.STARTING if self.driver is None else self.driver.state.phase

    def close(self) -> None:
        """Disconnect (ending a launched program; an attached one is left running) and wait for
        the proxy to exit. Safe to call twice, from any thread."""
        with self._lock:
            if self.closed:
                return
            self.closed, driver = True, self.driver
        if driver is not None:
            self.ended_first = driver.state.phase is Phase.ENDED
            driver.close(terminate=self.config.request == "launch")

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Until the program stops or ends, `seconds` pass, or the call ends (`stop`)."""
        deadline = time.monotonic() + seconds
        driver = self.live
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                driver.wait_stop_or_end(min(remaining, WAIT_SLICE))
                return
            except HeadlessError:  # still running
                continue

    def state(self, notes: Sequence[str] = ()) -> dict[str, object]:
        """running / stopped (where, why, this stop's evidence) / ended (the exit code)."""
        driver = self.driver
        if driver is None:
            starting = SessionStateOutput(
                session_id=self.id, request=self.config.request, phase="starting", notes=[*notes]
            )
            return _dump(starting)
        state = driver.state
        where = evidence = None
        if state.phase is Phase.STOPPED and state.stop is not None and not self.closed:
            evidence = driver.stop_evidence(EVIDENCE_WAIT)
            where = self._where(driver, evidence)
        console = driver.output(("console",)).splitlines()
        said = [line for line in console if line.startswith("smart-debug")][-NOTES_KEPT:]
        if state.phase is Phase.STOPPED and evidence is None and not self.closed:
            said.append("this stop's evidence is still being read: call session_state again")
        cut_short = self.closed and not self.ended_first
        if cut_short:
            said.append(
                "the session was stopped before the program ended: the program was ended too"
                if self.config.request == "launch"
                else "the session was stopped: detached, the program runs on"
            )
        payload = _dump(
            SessionStateOutput(
                session_id=self.id,
                request=self.config.request,
                phase=state.phase.value,
                stop=where,
                exit_code=None if cut_short else state.exit_code,  # not the program's own
                output_tail=driver.output()[-OUTPUT_TAIL:],
                notes=[*said, *notes],
            )
        )
        payload["evidence"] = compact(evidence) if evidence is not None else None
        return payload

    def _where(self, driver: HeadlessSession, evidence: EvidenceBody | None) -> StopWhere | None:
        stop = driver.state.stop
        if stop is None:
            return None
        where = StopWhere(
            reason=stop.reason,
            description=stop.description,
            text=stop.text,
            thread_id=stop.thread_id,
        )
        if evidence is not None and evidence.frames:
            top = evidence.frames[0]
            where.file, where.line, where.function = (
                top.get("file"),
                top.get("line"),
                top.get("name"),
            )
        else:
            try:
                frames = driver.stack_trace(stop.thread_id, levels=1)
            except HeadlessError:
                frames = []
            if frames:
                where.file = relative(frames[0].file, self.workspace) or None
                where.line, where.function = frames[0].line, frames[0].name
        return where


def _dump(model: SessionStateOutput) -> dict[str, object]:
    return model.model_dump(mode="json")


def compact(evidence: EvidenceBody) -> dict[str, object]:
    """An evidence body with only the keys of its kind (the unset and empty ones left out)."""
    return {
        key: value
        for key, value in evidence.model_dump(mode="json").items()
        if value is not None and value != [] and value != {}
    }


class AgentSessions:
    """The registry: ids `s1`, `s2`, ...; a slot is taken from the moment a start begins."""

    def __init__(self, workspace: Path, max_sessions: int) -> None:
        self.workspace = workspace
        self.max_sessions = max_sessions
        self._lock = threading.Lock()
        self._sessions: dict[str, AgentSession] = {}
        self._ids = itertools.count(1)
        self._closing = False

    def start(
        self, config: LaunchConfig, exception_filters: Sequence[str], stop: threading.Event
    ) -> AgentSession:
        self._reap()
        with self._lock:
            if self._closing:
                raise ToolError("the server is shutting down: no new session")
            open_ = [s for s in self._sessions.values() if not s.closed]
            if len(open_) >= self.max_sessions:
                listed = ", ".join(f"{s.id} ({s.phase.value})" for s in open_)
                raise ToolError(
                    f"at most {self.max_sessions} debug session(s) at once (the server's "
                    f"--max-sessions); open now: {listed}. Call stop_session on one first"
                )
            session = AgentSession(f"s{next(self._ids)}", config, self.workspace)
            self._sessions[session.id] = session
        try:
            session.start(exception_filters)
            if stop.is_set():  # the call timed out or was cancelled: nobody will use it
                raise ToolError("the call ended before the session started")
        except BaseException:
            session.close()
            with self._lock:
                self._sessions.pop(session.id, None)
            raise
        return session

    def get(self, session_id: str) -> AgentSession:
        """The session; one whose program ended is closed here (its last state stays)."""
        with self._lock:
            session = self._sessions.get(session_id)
            known = ", ".join(
                f"{s.id} ({'closed' if s.closed else s.phase.value})"
                for s in self._sessions.values()
            )
        if session is None:
            raise ToolError(
                f"no session {session_id!r} (sessions: {known or 'none'}); start_session "
                "starts one and answers its id"
            )
        if not session.closed and session.phase is Phase.ENDED:
            session.close()
        return session

    def env(self, session_id: str) -> dict[str, str] | None:
        with self._lock:
            session = self._sessions.get(session_id)
        return session.env if session is not None else None

    def _reap(self) -> None:
        """Close the sessions whose program ended and forget the oldest closed ones, so ended
        sessions hold neither a process nor a slot."""
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            if not session.closed and session.driver is not None and session.phase is Phase.ENDED:
                session.close()
        with self._lock:
            closed = [s.id for s in self._sessions.values() if s.closed]
            for session_id in closed[: max(0, len(closed) - ENDED_KEPT)]:
                del self._sessions[session_id]

    def stop_all(self, seconds: float) -> None:
        """Close every session at once, in parallel, waiting up to `seconds` in all (a proxy
        still running after that ends its debuggee itself when our end of its stdio closes)."""
        with self._lock:
            self._closing = True
            sessions = [s for s in self._sessions.values() if not s.closed]
        threads = [
            threading.Thread(target=s.close, name=f"smart-debug mcp: close {s.id}")
            for s in sessions
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + seconds
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
