"""pytest plugin for `smart-debug localize`: per-test line coverage of the project's own files,
per-test outcome (each parametrized case separately) and a per-test timeout so a hang counts as a
failure.

Standalone on purpose (stdlib + pytest only): it runs inside the user's interpreter, which may not
have smart-debug installed. Which files are the project's code and which its tests is decided by
the parent (`dap_proxy.analysis.workspace.project_python_files`) and handed over as a JSON file
(`ProjectFiles`). Two ways in: the persistent worker (worker.py) builds a `Collector` and reads
its results in memory; a non-pytest command is traced whole by `start_command_trace`.

Two tracers, the same answer (per test, the project lines it ran): coverage.py's C tracer with one
dynamic context per test (`CoverageTracer`, an in-memory data file read once at the end of the
run) whenever coverage with its C tracer imports in the user's interpreter (the parent puts its own
coverage package, alone, at the end of sys.path), and a stdlib `sys.settrace` tracer
(`LineTracer`) otherwise. bench/tracers.py measures both on real suites. Mutant runs trace nothing.

Why SIGALRM for the timeout: a handler raises in the main thread between bytecodes, which also
interrupts `time.sleep` and blocking waits that never produce a trace event. The limit is CPU
time (the process's, so a test's threads count), or a little more of wall-clock time. The
exception derives from BaseException so that `except Exception` in the code under test cannot
swallow it, and the timer repeats, so a `finally` or `except BaseException` that swallows it once
is hit again.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from typing import Any

try:
    import pytest

    _hookwrapper = pytest.hookimpl(hookwrapper=True)
except ImportError:  # the command-mode tracer (sitecustomize) needs only LineTracer

    def _hookwrapper(function: Any) -> Any:
        return function


ENV_OUT = "SMART_DEBUG_LOCALIZE_OUT"
ENV_ROOT = "SMART_DEBUG_LOCALIZE_ROOT"
ENV_FILES = "SMART_DEBUG_LOCALIZE_FILES"

MAX_REPR_CHARS = 2000  # a failure's text kept per test (output floods are cut here)
TIMEOUT_REPEAT = 0.05  # seconds between repeated timeout signals once a test is over time
# A test's limit counts the CPU time it used (a machine shared with the other test worker, or with
# other work, slows a test down without making it a hang); one that waits without computing (a
# deadlock, a lost wakeup), or that gets too little CPU on a crowded machine, is cut at this many
# times the limit in wall-clock time.
WALL_FACTOR = 1.25
WALL_SLACK = 2.0  # and at least this many seconds past it (a short test waiting on a child process)


class TestTimeout(BaseException):
    """Raised inside a test that ran past its time limit (a hang counts as a failure)."""


class ProjectFiles:
    """The project's own code files and its test files, relative to `root` (POSIX paths)."""

    def __init__(self, root: str, code: list[str], tests: list[str]) -> None:
        self.root = os.path.realpath(root) + os.sep
        self.code = {rel.replace("/", os.sep) for rel in code}
        self.tests = {rel.replace("/", os.sep) for rel in tests}

    @classmethod
    def load(cls, root: str, path: str | None) -> ProjectFiles:
        """From the parent's JSON file {"code": [...], "tests": [...]}; none: nothing is code."""
        if not path:
            return cls(root, [], [])
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return cls(root, data.get("code", []), data.get("tests", []))

    def relative(self, path: str) -> str | None:
        real = os.path.realpath(path)
        return real[len(self.root) :] if real.startswith(self.root) else None

    def is_code(self, path: str) -> bool:
        return self.relative(path) in self.code

    def is_test(self, path: str) -> bool:
        return self.relative(path) in self.tests


class LineTracer:
    """Records (file, line) of project files while installed; cheap for everything else.
    `only`: the relative files to trace (None: all of the project's code)."""

    name = "settrace"

    def __init__(self, files: ProjectFiles, only: set[str] | None = None) -> None:
        self.files = files
        self.root = files.root
        self.wanted = files.code if only is None else files.code & only
        self.lines: set[tuple[str, int]] = set()
        self._wanted: dict[str, str | None] = {}  # co_filename -> relative path or None
        self.per_test: dict[str, set[tuple[str, int]]] = {}

    def _relative(self, filename: str) -> str | None:
        rel = self._wanted.get(filename, "")
        if rel != "":
            return rel
        found = None
        if filename and not filename.startswith("<"):
            rel = self.files.relative(filename)
            found = rel if rel in self.wanted else None
        self._wanted[filename] = found
        return found

    def _global(self, frame: Any, event: str, arg: Any) -> Any:
        rel = self._relative(frame.f_code.co_filename)
        if rel is None:
            return None
        lines = self.lines

        def local(frame: Any, event: str, arg: Any) -> Any:
            if event == "line":
                lines.add((rel, frame.f_lineno))
            return local

        return local

    def start(self) -> None:
        self.lines = set()
        sys.settrace(self._global)
        threading.settrace(self._global)

    def stop(self) -> set[tuple[str, int]]:
        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]
        return self.lines

    # the per-test interface the Collector uses (the coverage tracer's, too)
    def test_start(self, nodeid: str) -> None:
        self.start()

    def test_stop(self, nodeid: str) -> None:
        self.per_test[nodeid] = self.stop()

    def finish(self) -> dict[str, set[tuple[str, int]]]:
        found, self.per_test = self.per_test, {}
        return found


class CoverageTracer:
    """coverage.py's C tracer over the wanted files, one dynamic context per test; the lines are
    read from its in-memory data once, when the run ends. A test that installs its own trace
    function (and does not put ours back) gets the tracer restarted for the next test."""

    name = "coverage"

    def __init__(self, files: ProjectFiles, only: set[str] | None = None) -> None:
        import coverage

        self.files = files
        wanted = files.code if only is None else files.code & only
        self._by_path = {os.path.join(files.root, rel): rel for rel in wanted}
        self._coverage = coverage.Coverage(
            data_file=None,
            include=sorted(self._by_path) or [os.path.join(files.root, "<nothing>")],
            config_file=False,
        )
        self._running = False
        self._trace: Any = None

    def _ensure_running(self) -> None:
        if self._running and sys.gettrace() is self._trace:
            return
        if self._running:
            self._coverage.stop()
        self._coverage.start()
        self._running = True
        self._trace = sys.gettrace()

    def test_start(self, nodeid: str) -> None:
        self._ensure_running()
        self._coverage.switch_context(nodeid)

    def test_stop(self, nodeid: str) -> None:
        if self._running:
            self._coverage.switch_context("")

    def finish(self) -> dict[str, set[tuple[str, int]]]:
        found: dict[str, set[tuple[str, int]]] = {}
        if not self._running:
            return found
        self._coverage.stop()
        self._running = False
        data = self._coverage.get_data()
        for path in data.measured_files():
            rel = self._by_path.get(path) or self.files.relative(path)
            if rel is None:
                continue
            for line, contexts in data.contexts_by_lineno(path).items():
                for context in contexts:
                    if context:
                        found.setdefault(context, set()).add((rel, line))
        return found


def coverage_available() -> bool:
    """coverage.py with its C tracer (the pure-Python one is no faster than LineTracer)."""
    try:
        import coverage
        from coverage.tracer import CTracer  # noqa: F401
    except Exception:  # absent, or built for another interpreter
        return False
    return hasattr(coverage.Coverage, "switch_context")


def new_tracer(files: ProjectFiles, only: set[str] | None, prefer: str) -> Any:
    """The tracer for one traced run: coverage's when asked for and available, else LineTracer."""
    if prefer == "coverage" and coverage_available():
        return CoverageTracer(files, only)
    return LineTracer(files, only)


def _frames_of(excinfo: Any, files: ProjectFiles) -> list[list[Any]]:
    """The traceback of a failure as [relative file, line, is_project] entries, outermost first."""
    frames: list[list[Any]] = []
    if excinfo is None:
        return frames
    try:
        tb = excinfo.tb
        while tb is not None:
            rel = files.relative(tb.tb_frame.f_code.co_filename)
            if rel is not None:
                frames.append([rel, tb.tb_lineno, rel in files.code])
            tb = tb.tb_next
    except Exception:  # a strange traceback object must not break the test run
        pass
    return frames[-30:]


class Collector:
    """The plugin object: register with `pytest.main(args, plugins=[collector])`.

    `tracer`: a LineTracer or CoverageTracer (None: no coverage); `hang_factor`: the per-test
    limit also grows to this many times the slowest test passed so far (a plain run's hang
    detector that a legitimately slow suite does not trip)."""

    def __init__(
        self,
        files: ProjectFiles,
        timeout: float | None = None,
        tracer: Any = None,
        only: set[str] | None = None,
        on_result: Any = None,
        timeouts: dict[str, float] | None = None,
        hang_factor: float | None = None,
    ) -> None:
        self.files = files
        self.root = files.root
        self.timeout = timeout if timeout and timeout > 0 else None
        self.trace = tracer is not None
        self.only = only  # node ids to keep (the others are deselected), None = all
        self.on_result = on_result
        self.timeouts = timeouts or {}  # per node id, overriding `timeout`
        self.hang_factor = hang_factor
        self.results: list[dict[str, Any]] = []
        self.collect_errors: list[dict[str, Any]] = []
        self._tracer = tracer
        self._slowest = 0.0
        self._current: dict[str, Any] | None = None
        self._deadline = 0.0  # wall clock: a test that waits without computing
        self._cpu_start = 0.0  # process CPU time when the test started
        self._armed = False
        self._limit = 0.0
        self._timed_out = False
        self._previous_handler: Any = None
        self._invocation_dir = os.getcwd()

    # --- selection -----------------------------------------------------------------------
    def pytest_collection_modifyitems(self, session: Any, config: Any, items: list[Any]) -> None:
        if self.only is None:
            return
        keep = [item for item in items if item.nodeid in self.only]
        dropped = [item for item in items if item.nodeid not in self.only]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            text = str(report.longrepr)[-MAX_REPR_CHARS:]
            frames: list[list[Any]] = []
            self.collect_errors.append(
                {"nodeid": report.nodeid, "longrepr": text, "frames": frames}
            )

    # --- timeout -------------------------------------------------------------------------
    def _on_alarm(self, signum: int, frame: Any) -> None:
        if not self._armed:
            return
        cpu = time.process_time() - self._cpu_start
        if cpu >= self._limit or time.monotonic() >= self._deadline:
            self._timed_out = True
            raise TestTimeout(f"test ran longer than {self._limit:g}s (treated as a hang)")

    def _arm(self, nodeid: str) -> None:
        limit = self.timeouts.get(nodeid, self.timeout)
        if limit is None or threading.current_thread() is not threading.main_thread():
            return
        if self.hang_factor:
            limit = max(limit, self.hang_factor * self._slowest)
        self._limit = limit
        self._cpu_start = time.process_time()
        self._deadline = time.monotonic() + max(WALL_FACTOR * limit, limit + WALL_SLACK)
        self._timed_out = False
        self._previous_handler = signal.signal(signal.SIGALRM, self._on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit, TIMEOUT_REPEAT)

    def _disarm(self) -> None:
        if self._previous_handler is None:
            return
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, self._previous_handler)
        self._previous_handler = None

    # --- per test ------------------------------------------------------------------------
    def _phase(self) -> Any:
        self._armed = True
        try:
            yield
        finally:
            self._armed = False

    @_hookwrapper
    def pytest_runtest_setup(self, item: Any) -> Any:
        return (yield from self._phase())

    @_hookwrapper
    def pytest_runtest_call(self, item: Any) -> Any:
        return (yield from self._phase())

    @_hookwrapper
    def pytest_runtest_teardown(self, item: Any) -> Any:
        return (yield from self._phase())

    @_hookwrapper
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Any:
        path = os.path.realpath(str(item.path))
        rel = os.path.relpath(path, self._invocation_dir)
        name = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else ""
        self._current = {
            "nodeid": item.nodeid,
            "arg": f"{rel}::{name}" if name else rel,
            "outcome": "passed",
            "duration": 0.0,
            "longrepr": "",
            "frames": [],
            "lines": [],
        }
        started = time.monotonic()
        tracing = self.trace and self._tracer is not None
        if tracing:
            self._tracer.test_start(item.nodeid)
        self._arm(item.nodeid)
        try:
            yield
        finally:
            self._disarm()
            if tracing:
                self._tracer.test_stop(item.nodeid)
            result = self._current
            self._current = None
            result["duration"] = round(time.monotonic() - started, 4)
            if result["outcome"] == "passed":
                self._slowest = max(self._slowest, result["duration"])
            self.results.append(result)
            if self.on_result is not None:
                self.on_result(result)

    @_hookwrapper
    def pytest_runtest_makereport(self, item: Any, call: Any) -> Any:
        outcome = yield
        report = outcome.get_result()
        current = self._current
        if current is not None and report.skipped and current["outcome"] == "passed":
            current["outcome"] = "skipped"
        if current is None or not report.failed:
            return
        if call.excinfo is not None and call.excinfo.errisinstance(TestTimeout):
            current["outcome"] = "timeout"
        elif current["outcome"] == "passed":
            current["outcome"] = "failed"
        if not current["longrepr"]:
            current["frames"] = _frames_of(call.excinfo, self.files)
            exc = call.excinfo
            summary = f"{exc.typename}: {exc.value}" if exc is not None else str(report.longrepr)
            current["longrepr"] = summary[:MAX_REPR_CHARS]

    def finish(self) -> None:
        """After the run: each traced test's lines (coverage gives them all at the end)."""
        if self._tracer is None:
            return
        per_test = self._tracer.finish()
        for result in self.results:
            lines = per_test.get(result["nodeid"], ())
            result["lines"] = sorted([file, line] for file, line in lines)


# --- command mode: `python -c`-style programs traced through a generated sitecustomize ----------
def start_command_trace() -> None:
    """Trace this whole process (a non-pytest test command) and append its lines to ENV_OUT at
    exit, or when the runner terminates it for running too long (SIGTERM)."""
    out = os.environ.get(ENV_OUT)
    if not out:
        return
    root = os.environ.get(ENV_ROOT) or os.getcwd()
    tracer = LineTracer(ProjectFiles.load(root, os.environ.get(ENV_FILES)))  # one test: no contexts
    written: list[bool] = []

    def write() -> None:
        if written:
            return
        written.append(True)
        sys.settrace(None)
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"lines": sorted([f, n] for f, n in tracer.lines)}) + "\n")

    def on_term(signum: int, frame: Any) -> None:
        write()
        os._exit(124)

    import atexit

    atexit.register(write)
    signal.signal(signal.SIGTERM, on_term)
    tracer.start()
