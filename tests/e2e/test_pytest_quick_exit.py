"""The observing session's quick exit, in a real pytest under the proxy and debugpy, launched as
`run` launches it (`-p smart_debug_select`, `$SMART_DEBUG_QUICK_EXIT`): the process ends with
pytest's exit status, all of its output and every logpoint's output delivered, pydevd leaving no
trace of the plugin's own thread, and without the interpreter's ordinary teardown (an exit
handler registered before the tests ran does not run); a program with work left on its way out
(an exit handler of its own, a non-daemon thread) keeps Python's ordinary exit."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from dap_helpers import find_markers

from dap_proxy.headless import HeadlessSession, LaunchConfig, SourceBreakpoint
from dap_proxy.workflow.target import (
    QUICK_EXIT_VARIABLE,
    SELECT_DIR,
    SELECT_PLUGIN,
    SELECT_VARIABLE,
)

pytestmark = pytest.mark.e2e
RUN_TIMEOUT = 60.0  # seconds: a small pytest run under debugpy on a loaded 2-core machine

# loaded before the selection plugin: its exit handler is part of what was there before any of
# the program's code ran (as pytest's and debugpy's own are)
EARLY_PLUGIN = """\
import atexit

atexit.register(print, "EARLY-HANDLER-RAN", flush=True)
"""
TESTS = """\
import atexit
import threading


def test_passes():
{left}    pass


def test_fails():
    total = 2 + 2
    assert total == 5  # @bp probe
"""
LEFT_WORK = {  # what test_passes leaves for the program's way out
    "none": "",
    "exit handler": '    atexit.register(print, "PROGRAM-HANDLER-RAN", flush=True)\n',
    "non-daemon thread": (
        "    threading.Thread(\n"
        "        target=lambda: (threading.main_thread().join(), print('THREAD-RAN', flush=True))\n"
        "    ).start()\n"
    ),
}


def _observe(tmp_path: Path, left_work: str) -> tuple[int | None, str, list[dict[str, object]]]:
    """(exit code, output, thread events) of one session."""
    (tmp_path / "early_plugin.py").write_text(EARLY_PLUGIN)
    tests = tmp_path / "test_sample.py"
    tests.write_text(TESTS.format(left=left_work))
    env = {
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(SELECT_DIR)]),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        SELECT_VARIABLE: "",
        QUICK_EXIT_VARIABLE: "1",
    }
    config = LaunchConfig(
        module="pytest",
        args=["-p", "early_plugin", "-p", SELECT_PLUGIN, "-p", "no:cacheprovider", "-q",
              tests.name],
        python=sys.executable,
        cwd=str(tmp_path),
        env=env,
        justMyCode=True,
    )  # fmt: skip
    line = find_markers(tests)["probe"]
    with HeadlessSession.spawn(cwd=tmp_path) as session:
        session.start(
            config, {tests: [SourceBreakpoint(line=line, log_message="total is {total}")]}
        )
        code = session.wait_ended(RUN_TIMEOUT)
        threads = [dict(e.get("body") or {}) for e in session.events if e.get("event") == "thread"]
        return code, session.output(("stdout", "stderr", "console")), threads


def test_quick_exit_keeps_the_status_the_output_and_the_probes(tmp_path: Path) -> None:
    code, output, threads = _observe(tmp_path, LEFT_WORK["none"])
    assert code == 1, output
    assert "1 failed, 1 passed" in output
    assert "total is 4" in output  # the logpoint's output came before the end
    assert "EARLY-HANDLER-RAN" not in output, "the process ended before the ordinary teardown"
    assert {t.get("threadId") for t in threads} == {threads[0].get("threadId")}, threads


@pytest.mark.parametrize("left", ["exit handler", "non-daemon thread"])
def test_work_left_on_the_way_out_keeps_the_ordinary_exit(tmp_path: Path, left: str) -> None:
    code, output, _ = _observe(tmp_path, LEFT_WORK[left])
    assert code == 1, output
    assert "1 failed, 1 passed" in output and "total is 4" in output
    assert ("PROGRAM-HANDLER-RAN" if left == "exit handler" else "THREAD-RAN") in output
    assert "EARLY-HANDLER-RAN" in output
