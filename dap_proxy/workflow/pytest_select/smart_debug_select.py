"""A pytest plugin for `smart-debug run`'s observing session (`-p smart_debug_select`, this
folder on PYTHONPATH): it keeps only the tests named in the file `$SMART_DEBUG_SELECT`, one node
id a line. The session is launched while localize still runs, so which tests fail is not known
yet when pytest's arguments are fixed. With `$SMART_DEBUG_SELECT_WAIT` (seconds) pytest starts
meanwhile and waits, when it loads this plugin, for the file to appear (`run` writes it once
localize is done and the probes are in): pytest is imported by then, but none of the project's
code (conftest files, test modules, the code they import) has run, so every line a probe
watches, module level included, runs after the probes are in. Without it the file is read as
pytest collects. A missing or empty file, or ids that match no test, keep every test.

With `$SMART_DEBUG_QUICK_EXIT` set it also spares the session debugpy's slow exit: once pytest
is over and the interpreter is shutting down, pydevd spends about 0.6 s waiting on its own
threads (its check-alive thread and its reader wait for each other until a 0.5 s timeout) before
the process exits. When nothing of the program is left to run then (no exit handler or
non-daemon thread of its own), the plugin waits for pydevd to have sent everything (its writer
thread ends after its last message, the session's end) and ends the process at once with
pytest's exit status. Anything else keeps Python's ordinary exit.

The plugin leaves no trace in the program under test: it takes its variables out of the
environment and its folder out of sys.path and PYTHONPATH when it is loaded."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import time
from typing import Any

VARIABLE = "SMART_DEBUG_SELECT"
WAIT_VARIABLE = "SMART_DEBUG_SELECT_WAIT"
QUICK_EXIT_VARIABLE = "SMART_DEBUG_QUICK_EXIT"
WAIT_POLL = 0.01  # seconds between looks for the selection file while pytest waits for it
WRITER_TIMEOUT = 5.0  # seconds pydevd may take to send its last messages; then the usual exit
HOLD_TIMEOUT = 2 * WRITER_TIMEOUT + 1.0  # seconds the teardown waits for the exit's two waits
_HERE = os.path.dirname(os.path.abspath(__file__))
_SELECTION = os.environ.pop(VARIABLE, "")
_QUICK_EXIT = os.environ.pop(QUICK_EXIT_VARIABLE, "") == "1"
try:
    _WAIT = max(0.0, float(os.environ.pop(WAIT_VARIABLE, "") or 0))
except ValueError:
    _WAIT = 0.0
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
_rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p != _HERE]
if any(_rest):
    os.environ["PYTHONPATH"] = os.pathsep.join(_rest)
else:
    os.environ.pop("PYTHONPATH", None)


def _exit_handlers() -> int | None:
    count = getattr(atexit, "_ncallbacks", None)  # CPython's; elsewhere: no quick exit
    return count() if callable(count) else None


# the exit handlers registered before any of the program's code ran (pytest's, debugpy's)
_BASELINE = _exit_handlers()


def _wait_for_selection() -> None:
    deadline = time.monotonic() + _WAIT
    while not os.path.exists(_SELECTION) and time.monotonic() < deadline:
        time.sleep(WAIT_POLL)


if _SELECTION and _WAIT:
    _wait_for_selection()


def _wanted() -> set[str]:
    if not _SELECTION:
        return set()
    try:
        with open(_SELECTION, encoding="utf-8") as handle:
            return {line.strip() for line in handle if line.strip()}
    except OSError:
        return set()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    wanted = _wanted()
    kept = [item for item in items if item.nodeid in wanted]
    if not kept:
        return
    dropped = [item for item in items if item.nodeid not in wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


_session: Any = None


def pytest_sessionfinish(session: Any) -> None:
    global _session
    _session = session


def pytest_unconfigure(config: Any) -> None:
    register = getattr(threading, "_register_atexit", None)
    if not _QUICK_EXIT or _session is None or _BASELINE is None or not callable(register):
        return
    session = _session
    # called when the interpreter shuts down, before the main thread is marked as ended and the
    # other threads are joined: pytest's whole session, its clean-up and its output are over
    register(lambda: _exit_soon(int(session.exitstatus)))


def _exit_soon(status: int) -> None:
    if _exit_handlers() != _BASELINE or _program_threads():
        return  # the program still has work to do on its way out: Python's ordinary exit
    debugger = getattr(sys.modules.get("pydevd"), "get_global_debugger", lambda: None)()
    writer = getattr(debugger, "writer", None)
    if not isinstance(writer, threading.Thread):
        return
    # pydevd notices the main thread's end only once this returns; the waiting is done aside,
    # in a thread marked as pydevd marks its own: not traced, and no `thread` event about it
    waiter = threading.Thread(
        target=_exit_after, args=(debugger, writer, status), name="smart-debug-exit", daemon=True
    )
    waiter.is_pydev_daemon_thread = True  # type: ignore[attr-defined]
    waiter.pydev_do_not_trace = True  # type: ignore[attr-defined]
    # the exit handlers run (last registered first) once the main thread has ended: this one,
    # the last, holds them until the waiter has ended the process or given up, so the ordinary
    # teardown never starts while the waiter still waits, however slow the machine
    atexit.register(waiter.join, HOLD_TIMEOUT)
    waiter.start()


def _exit_after(debugger: Any, writer: threading.Thread, status: int) -> None:
    # pydevd's check-alive thread looks for the main thread's end every 0.2 s: once it has
    # ended, the thread is woken instead (its wait event; without one it keeps its own pace)
    threading.main_thread().join(WRITER_TIMEOUT)
    wake = getattr(getattr(debugger, "check_alive_thread", None), "_wait_event", None)
    if isinstance(wake, threading.Event):
        wake.set()
    # pydevd sends what it still holds (probe output) and its session's end; its writer thread
    # ends after that last message
    writer.join(WRITER_TIMEOUT)
    if writer.is_alive() or _BASELINE is None or _exit_handlers() != _BASELINE + 1:
        return  # + 1: the handler holding the exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed, or replaced
            stream.flush()
    os._exit(status)


def _program_threads() -> list[threading.Thread]:
    """The program's own non-daemon threads still running (Python would wait for them)."""
    main = threading.main_thread()
    return [
        t
        for t in threading.enumerate()
        if t is not main
        and t is not threading.current_thread()
        and not t.daemon
        and t.is_alive()
        and not t.name.startswith("pydevd.")
        and not getattr(t, "is_pydev_daemon_thread", False)
    ]
