"""The observing run: one debug session through the proxy (`dap_proxy.headless`), begun early
so its start-up overlaps other work; the live session is given the hypotheses to test
(`smartDebug/testHypotheses`: it derives their predictions and places a few probes) and our own
probes (`smartDebug/addProbe`: the arguments at the entry of the suspect function) before the
program's own code runs: either before configurationDone, or, for a program that holds itself
until it is released (a test run, which starts and collects meanwhile), once configured early,
then released (each request is answered once debugpy has its probes). It runs to its end within
a budget. At every stop it reads the stack and
locals, as an editor showing the stop would, and continues; at an uncaught exception it also
reads the arguments of the calls on the stack in the workspace (the regression test of a crash
is built from them). A program still running when the budget is spent is paused, its stack read
(where it hangs), and ended.

Everything seen is kept on `Observation` as it arrives, so an interrupted run still reports it.
"""

from __future__ import annotations

import ast
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
from dap_proxy.headless.state import FrameInfo, LiveView
from dap_proxy.hypotheses.models import Hypothesis
from dap_proxy.live.protocol import HypothesesBody, ProbeView

MAX_STOPS = 50  # stops read before the rest are continued unread (a breakpoint in a hot loop)
STOP_LOCALS = 20  # variables kept per stop
PAUSE_TIMEOUT = 5.0  # seconds for a pause request to stop a hung program
CALL_FRAMES = 5  # frames in the workspace whose arguments are read at an uncaught exception
TESTED_LINES = 3  # lines the live session probes for the hypotheses it is given
EXCEPTION_FILTERS = ["uncaught"]
_TAG = re.compile(r"^\[smart-debug\] [^:]+:\d+: ")


class PlannedProbe(BaseModel):
    file: str  # absolute
    line: int
    log_message: str
    why: str
    hypothesis: str | None = None  # the report's hypothesis id it observes (ours, not the room's)


class CallArguments(BaseModel):
    """The arguments of one call on the stack, as `repr` texts (read at an exception stop)."""

    file: str  # absolute
    line: int  # where the frame was
    function: str  # qualified name
    arguments: dict[str, str] = Field(default_factory=dict)


class StopRecord(BaseModel):
    at: float
    reason: str
    description: str = ""
    frames: list[tuple[str, str, int]] = Field(default_factory=list)  # (function, file, line)
    locals: dict[str, str] = Field(default_factory=dict)
    exception: str = ""
    calls: list[CallArguments] = Field(default_factory=list)  # innermost first


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
    tested: HypothesesBody | None = None  # the live session's answer to testHypotheses
    test_note: str = ""  # why it did not take them
    view: LiveView = Field(default_factory=LiveView)
    seconds: float = 0.0


def plain_message(message: str) -> str:
    """A probe message without the analysis engine's `[smart-debug] fn:line:` label (the live
    session tags its probes itself)."""
    return _TAG.sub("", message)


class ObservingRun:
    """`begin_in_background()`, then `run(hypotheses, probes, budget, ...)`; `close()` always."""

    def __init__(self, config: LaunchConfig, cwd: Path, clock: Callable[[], float]) -> None:
        self.config = config
        self.cwd = cwd
        self.clock = clock
        self.result = Observation()
        self.session: HeadlessSession | None = None
        self._begun = threading.Event()
        self._configure_early = False
        self._thread: threading.Thread | None = None
        self._closed = False
        self._closer: threading.Thread | None = None
        self._lock = threading.Lock()

    def begin_in_background(self, configure: bool = False) -> None:
        """Start the session; with `configure`, finish its launch sequence too, for a program
        that holds itself until `run`'s `release` (its start-up then overlaps other work)."""
        self._configure_early = configure
        self._thread = threading.Thread(target=self._begin, name="observing-run", daemon=True)
        self._thread.start()

    def _begin(self) -> None:
        try:
            self.session = HeadlessSession.spawn(cwd=self.cwd, timeouts=Timeouts())
            self.session.begin(self.config)
            if self._configure_early:
                self.session.configure(exception_filters=EXCEPTION_FILTERS)
            self.result.started = True
        except HeadlessError as exc:
            self.result.start_error = str(exc)
        finally:
            self._begun.set()

    def run(
        self,
        hypotheses: list[Hypothesis],
        probes: list[PlannedProbe],
        budget: float,
        on_change: Callable[[], None],
        release: Callable[[], None] = lambda: None,
    ) -> None:
        """Probes in, then the program runs (`release` lets a program configured early go on)
        to its end within `budget` seconds."""
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
            if self._configure_early:
                self._add_probes(session, hypotheses, probes)
            else:
                session.configure(
                    exception_filters=EXCEPTION_FILTERS,
                    before_configuration_done=lambda s: self._add_probes(s, hypotheses, probes),
                )
        except HeadlessError as exc:
            self.result.started = False
            self.result.start_error = str(exc)
            return
        finally:
            release()
        try:
            self._follow(session, budget - (time.monotonic() - began), on_change)
        finally:
            self._collect(session)
            self.result.seconds = round(time.monotonic() - began, 3)
        # the program is over: the processes end while the report is built (`close` waits)
        self._closer = threading.Thread(target=self._end, name="observing-close", daemon=True)
        self._closer.start()

    def _add_probes(
        self, session: HeadlessSession, hypotheses: list[Hypothesis], probes: list[PlannedProbe]
    ) -> None:
        try:
            session.probes()
            self.result.live = True
        except LiveUnavailable as exc:
            self.result.live_note = str(exc)
            return
        if hypotheses:
            try:
                self.result.tested = session.test_hypotheses(
                    hypotheses, probes=TESTED_LINES, source="smart-debug run: localize's ranking"
                )
            except HeadlessError as exc:
                self.result.test_note = str(exc)
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
                record.calls = self._calls(session, frames)
        except HeadlessError:
            pass  # the program moved on; what was read stays
        self.result.stops.append(record)

    def _calls(self, session: HeadlessSession, frames: list[FrameInfo]) -> list[CallArguments]:
        """The arguments of the workspace's calls on the stack, each as its exact `repr` (the
        variables view cuts long values; `repr(name)` evaluated comes back whole, quoted)."""
        from dap_proxy.workflow.probes import suspect_function

        calls: list[CallArguments] = []
        root = self.cwd.resolve()
        for frame in frames:
            if len(calls) >= CALL_FRAMES:
                break
            if not frame.file or not Path(frame.file).resolve().is_relative_to(root):
                continue
            found = suspect_function(Path(frame.file), frame.line, frame.name)
            if found is None:
                continue
            function, names = found
            call = CallArguments(file=frame.file, line=frame.line, function=function.qualname)
            for name in names:
                try:
                    text = ast.literal_eval(session.evaluate(f"repr({name})", frame.id, "watch"))
                except (HeadlessError, ValueError, SyntaxError, MemoryError, RecursionError):
                    continue
                if isinstance(text, str):
                    call.arguments[name] = text
            calls.append(call)
        return calls

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
        """What the session saw is kept; the proxy, debugpy and the program end (safe to call
        again)."""
        if self._thread is not None:
            self._begun.wait(Timeouts().start)
        if self._closer is not None:
            self._closer.join()
        elif self.session is not None:
            self._collect(self.session)  # interrupted: what arrived until now
        self._end()

    def _end(self) -> None:
        with self._lock:
            if self.session is None or self._closed:
                return
            self._closed = True
        self.session.close()
