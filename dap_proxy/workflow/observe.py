"""The observing run: one debug session through the proxy (`dap_proxy.headless`), begun early
so its start-up overlaps other work, then configured with the probes to observe (through the
live session's `smartDebug/addProbe`), run to its end within a budget. At every stop it reads
the stack and locals, as an editor showing the stop would, and continues; a program still
running when the budget is spent is paused, its stack read (where it hangs), and ended.

Everything seen is kept on `Observation` as it arrives, so an interrupted run still reports it.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from dap_proxy.headless import (
    HeadlessError,
    HeadlessSession,
    LaunchConfig,
    LiveUnavailable,
    Phase,
    Timeouts,
)
from dap_proxy.headless.state import LiveView
from dap_proxy.live.protocol import ProbeView

MAX_STOPS = 50  # stops read before the rest are continued unread (a breakpoint in a hot loop)
STOP_LOCALS = 20  # variables kept per stop
PAUSE_TIMEOUT = 5.0  # seconds for a pause request to stop a hung program
_TAG = re.compile(r"^\[smart-debug\] [^:]+:\d+: ")


class PlannedProbe(BaseModel):
    file: str  # absolute
    line: int
    log_message: str
    why: str
    hypothesis: str | None = None  # the report's hypothesis id it observes (ours, not the room's)


class StopRecord(BaseModel):
    at: float
    reason: str
    description: str = ""
    frames: list[tuple[str, str, int]] = Field(default_factory=list)  # (function, file, line)
    locals: dict[str, str] = Field(default_factory=dict)
    exception: str = ""


class Observation(BaseModel):
    started: bool = False
    start_error: str = ""
    exit_code: int | None = None
    hung: bool = False
    hang_stack: list[tuple[str, str, int]] = Field(default_factory=list)
    stops: list[StopRecord] = Field(default_factory=list)
    output: str = ""
    output_bytes: int = 0
    live: bool = False
    live_note: str = ""
    probes: list[tuple[PlannedProbe, ProbeView]] = Field(default_factory=list)
    refused: list[tuple[PlannedProbe, str]] = Field(default_factory=list)
    view: LiveView = Field(default_factory=LiveView)
    seconds: float = 0.0


def plain_message(message: str) -> str:
    """A probe message without the analysis engine's `[smart-debug] fn:line:` label (the live
    session tags its probes itself)."""
    return _TAG.sub("", message)


class ObservingRun:
    """`begin()` (in the background), then `run(probes, budget)`; `close()` always."""

    def __init__(self, config: LaunchConfig, cwd: Path, clock: Callable[[], float]) -> None:
        self.config = config
        self.cwd = cwd
        self.clock = clock
        self.result = Observation()
        self.session: HeadlessSession | None = None
        self._begun = threading.Event()
        self._thread: threading.Thread | None = None

    def begin_in_background(self) -> None:
        self._thread = threading.Thread(target=self._begin, name="observing-run", daemon=True)
        self._thread.start()

    def _begin(self) -> None:
        try:
            self.session = HeadlessSession.spawn(cwd=self.cwd, timeouts=Timeouts())
            self.session.begin(self.config)
            self.result.started = True
        except HeadlessError as exc:
            self.result.start_error = str(exc)
        finally:
            self._begun.set()

    def run(self, probes: list[PlannedProbe], budget: float, on_change: Callable[[], None]) -> None:
        if self._thread is None:
            self._begin()
        start_wait = Timeouts().start
        if not self._begun.wait(start_wait):
            self.result.start_error = f"the debug session did not start within {start_wait:g}s"
            return
        session = self.session
        if session is None or not self.result.started:
            return
        began = time.monotonic()
        try:
            session.configure(
                exception_filters=["uncaught"],
                before_configuration_done=lambda s: self._add_probes(s, probes),
            )
        except HeadlessError as exc:
            self.result.started = False
            self.result.start_error = str(exc)
            return
        try:
            self._follow(session, budget - (time.monotonic() - began), on_change)
        finally:
            self._collect(session)
            self.result.seconds = round(time.monotonic() - began, 3)

    def _add_probes(self, session: HeadlessSession, probes: list[PlannedProbe]) -> None:
        try:
            session.probes()
            self.result.live = True
        except LiveUnavailable as exc:
            self.result.live_note = str(exc)
            return
        for planned in probes:
            try:
                view = session.add_probe(
                    planned.file, planned.line, log_message=plain_message(planned.log_message)
                )
            except HeadlessError as exc:
                self.result.refused.append((planned, str(exc)))
            else:
                self.result.probes.append((planned, view))

    def _follow(
        self, session: HeadlessSession, budget: float, on_change: Callable[[], None]
    ) -> None:
        deadline = time.monotonic() + max(budget, 1.0)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._hang(session)
                return
            try:
                state = session.wait_stop_or_end(min(remaining, 0.25))
            except HeadlessError:
                self._collect(session)
                on_change()
                continue
            if state.phase is Phase.ENDED:
                self.result.exit_code = state.exit_code
                return
            if state.stop is not None:
                if len(self.result.stops) < MAX_STOPS:
                    self._read_stop(session, state.stop.reason, state.stop.description)
                    on_change()
                with contextlib.suppress(HeadlessError):  # ended meanwhile: the next wait says so
                    session.continue_(state.stop.thread_id)

    def _read_stop(self, session: HeadlessSession, reason: str, description: str) -> None:
        record = StopRecord(at=self.clock(), reason=reason, description=description)
        try:
            frames = session.stack_trace(levels=10)
            record.frames = [(f.name, f.file or "", f.line) for f in frames]
            if frames:
                variables = session.locals(frames[0].id)
                record.locals = dict(list(variables.items())[:STOP_LOCALS])
            if reason == "exception":
                info = session.exception_info()
                details = info.get("details") or {}
                record.exception = (
                    f"{details.get('typeName') or info.get('exceptionId', '')}: "
                    f"{info.get('description', '')}"
                )
        except HeadlessError:
            pass  # the program moved on; what was read stays
        self.result.stops.append(record)

    def _hang(self, session: HeadlessSession) -> None:
        """Budget spent with the program still running: where is it?"""
        self.result.hung = True
        try:
            session.pause()
            stop = session.wait_stopped(PAUSE_TIMEOUT)
            if stop is not None:
                frames = session.stack_trace(stop.thread_id, levels=10)
                self.result.hang_stack = [(f.name, f.file or "", f.line) for f in frames]
                if frames:
                    record = StopRecord(
                        at=self.clock(),
                        reason="pause",
                        description="paused: still running when the budget ran out",
                        frames=self.result.hang_stack,
                        locals=dict(list(session.locals(frames[0].id).items())[:STOP_LOCALS]),
                    )
                    self.result.stops.append(record)
        except HeadlessError:
            pass

    def _collect(self, session: HeadlessSession) -> None:
        self.result.view = session.live
        self.result.output = session.output()
        self.result.output_bytes = session.state.output_bytes

    def close(self) -> None:
        if self._thread is not None:
            self._begun.wait(Timeouts().start)
        if self.session is not None:
            self._collect(self.session)
            self.session.close()
