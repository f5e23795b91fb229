"""pytest plugin for `smart-debug localize`: per-test line coverage of the project's own files,
per-test outcome (each parametrized case separately) and a per-test timeout so a hang counts as a
failure.

Standalone on purpose (stdlib + pytest only): it runs inside the user's interpreter, which may not
have smart-debug installed. Two ways in:
- `pytest -p dap_proxy.experiments.plugin` with SMART_DEBUG_LOCALIZE_OUT=<file.jsonl> (and the
  other SMART_DEBUG_LOCALIZE_* variables below): one JSON line per test is appended to that file;
- the persistent worker (worker.py) builds a `Collector` itself and reads its results in memory.

Why sys.settrace rather than coverage.py contexts: Python 3.11 has no sys.monitoring, coverage.py's
per-test contexts need a data file and a combine/report step per run (tens of ms each, and mutants
are run hundreds of times), and a tracer that only line-traces files of the project under test is
simple and fast on small programs (library frames get no local tracer at all).

Why SIGALRM for the timeout: a handler raises in the main thread between bytecodes, which also
interrupts `time.sleep` and blocking waits that never produce a trace event. The exception derives
from BaseException so that `except Exception` in the code under test cannot swallow it, and the
timer repeats, so a `finally` or `except BaseException` that swallows it once is hit again.
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
ENV_TIMEOUT = "SMART_DEBUG_LOCALIZE_TIMEOUT"
ENV_TRACE = "SMART_DEBUG_LOCALIZE_TRACE"

MAX_REPR_CHARS = 2000  # a failure's text kept per test (output floods are cut here)
TIMEOUT_REPEAT = 0.05  # seconds between repeated timeout signals once a test is over time

_TEST_DIR_NAMES = {"tests", "test", "testing"}
_SKIP_DIR_NAMES = {"site-packages", "dist-packages", ".venv", "venv", "node_modules", ".tox"}


class TestTimeout(BaseException):
    """Raised inside a test that ran past its time limit (a hang counts as a failure)."""


def is_test_file(path: str) -> bool:
    """pytest's own naming conventions plus conftest and test folders."""
    name = os.path.basename(path)
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    parts = path.replace("\\", "/").split("/")
    return any(part in _TEST_DIR_NAMES for part in parts[:-1])


def is_project_file(path: str, root: str) -> bool:
    """A Python file of the project under test: under root, not a test, not a library."""
    if not path.endswith(".py") or not path.startswith(root):
        return False
    rel = path[len(root) :].lstrip(os.sep)
    parts = rel.split(os.sep)
    if any(part in _SKIP_DIR_NAMES or part.startswith(".") for part in parts[:-1]):
        return False
    return not is_test_file(rel)


class LineTracer:
    """Records (file, line) of project files while installed; cheap for everything else."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root) + os.sep
        self.lines: set[tuple[str, int]] = set()
        self._wanted: dict[str, str | None] = {}  # co_filename -> relative path or None

    def _relative(self, filename: str) -> str | None:
        rel = self._wanted.get(filename, "")
        if rel != "":
            return rel
        real = os.path.realpath(filename) if filename and not filename.startswith("<") else ""
        found = real[len(self.root) :] if real and is_project_file(real, self.root) else None
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


def _frames_of(excinfo: Any, root: str) -> list[list[Any]]:
    """The traceback of a failure as [relative file, line, is_project] entries, outermost first."""
    frames: list[list[Any]] = []
    if excinfo is None:
        return frames
    try:
        tb = excinfo.tb
        while tb is not None:
            filename = os.path.realpath(tb.tb_frame.f_code.co_filename)
            if filename.startswith(root):
                frames.append(
                    [filename[len(root) :], tb.tb_lineno, is_project_file(filename, root)]
                )
            tb = tb.tb_next
    except Exception:  # a strange traceback object must not break the test run
        pass
    return frames[-30:]


class Collector:
    """The plugin object: register with `pytest.main(args, plugins=[collector])` or via `-p`."""

    def __init__(
        self,
        root: str,
        timeout: float | None = None,
        trace: bool = True,
        only: set[str] | None = None,
        on_result: Any = None,
        timeouts: dict[str, float] | None = None,
    ) -> None:
        self.root = os.path.realpath(root) + os.sep
        self.timeout = timeout if timeout and timeout > 0 else None
        self.trace = trace
        self.only = only  # node ids to keep (the others are deselected), None = all
        self.on_result = on_result
        self.timeouts = timeouts or {}  # per node id, overriding `timeout`
        self.results: list[dict[str, Any]] = []
        self.collect_errors: list[dict[str, Any]] = []
        self._tracer = LineTracer(root)
        self._current: dict[str, Any] | None = None
        self._deadline = 0.0
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
        if self._armed and time.monotonic() >= self._deadline:
            self._timed_out = True
            raise TestTimeout(f"test ran longer than {self._limit:g}s (treated as a hang)")

    def _arm(self, nodeid: str) -> None:
        limit = self.timeouts.get(nodeid, self.timeout)
        if limit is None or threading.current_thread() is not threading.main_thread():
            return
        self._limit = limit
        self._deadline = time.monotonic() + limit
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
        if self.trace:
            self._tracer.start()
        self._arm(item.nodeid)
        try:
            yield
        finally:
            self._disarm()
            lines = self._tracer.stop() if self.trace else set()
            result = self._current
            self._current = None
            result["duration"] = round(time.monotonic() - started, 4)
            result["lines"] = sorted([file, line] for file, line in lines)
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
            current["frames"] = _frames_of(call.excinfo, self.root)
            exc = call.excinfo
            summary = f"{exc.typename}: {exc.value}" if exc is not None else str(report.longrepr)
            current["longrepr"] = summary[:MAX_REPR_CHARS]


# --- `-p dap_proxy.experiments.plugin` entry: configured by environment variables ------------
def pytest_configure(config: Any) -> None:
    out = os.environ.get(ENV_OUT)
    if not out or config.pluginmanager.has_plugin("smart-debug-localize"):
        return
    handle = open(out, "a", encoding="utf-8")  # noqa: SIM115 - closed at unconfigure

    def write(result: dict[str, Any]) -> None:
        handle.write(json.dumps(result) + "\n")
        handle.flush()

    collector = Collector(
        root=os.environ.get(ENV_ROOT) or os.getcwd(),
        timeout=float(os.environ.get(ENV_TIMEOUT) or 0) or None,
        trace=os.environ.get(ENV_TRACE, "1") != "0",
        on_result=write,
    )
    config.pluginmanager.register(collector, "smart-debug-localize")
    config.add_cleanup(handle.close)


# --- command mode: `python -c`-style programs traced through a generated sitecustomize ----------
def start_command_trace() -> None:
    """Trace this whole process (a non-pytest test command) and append its lines to ENV_OUT at
    exit, or when the runner terminates it for running too long (SIGTERM)."""
    out = os.environ.get(ENV_OUT)
    if not out:
        return
    tracer = LineTracer(os.environ.get(ENV_ROOT) or os.getcwd())
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
