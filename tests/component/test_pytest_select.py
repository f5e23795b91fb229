"""The observing session's pytest plugin, in a real pytest process launched as `run` launches it
(the plugin's folder on PYTHONPATH, `-p smart_debug_select`): only the tests the selection file
names run; without a usable selection every test runs; the program under test never sees the
plugin's variables or folder; told to wait, pytest waits for the file before any of the
project's code runs (and, the file never coming, runs every test once the wait is over)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import wait_for

from dap_proxy.workflow.target import (
    SELECT_DIR,
    SELECT_PLUGIN,
    SELECT_VARIABLE,
    SELECT_WAIT_VARIABLE,
)

TESTS = """\
import os, sys


def test_one():
    assert os.environ.get("SMART_DEBUG_SELECT") is None
    assert os.environ.get("SMART_DEBUG_SELECT_WAIT") is None
    assert not any("pytest_select" in p for p in sys.path)
    assert "pytest_select" not in os.environ.get("PYTHONPATH", "")


def test_two():
    pass


def test_three():
    pass
"""
# loaded before the selection plugin: says pytest has started (none of the project's code yet)
STARTED_PLUGIN = """\
import pathlib

pathlib.Path("started").touch()
"""
# the project's first code: notes whether the selection file was there when it ran
CONFTEST = """\
import os

with open("conftest-saw", "w") as out:
    out.write(str(os.path.exists("selection.txt")))
"""
RUN_TIMEOUT = 60.0  # seconds: one small pytest run
WAIT = 60.0  # seconds pytest may wait for the selection file (the test writes it at once)
SHORT_WAIT = 0.2  # seconds: a wait that runs out


def command(tmp_path: Path) -> list[str]:
    (tmp_path / "test_sample.py").write_text(TESTS)
    return [sys.executable, "-m", "pytest", "-p", SELECT_PLUGIN, "-p", "no:cacheprovider", "-v",
            "test_sample.py"]  # fmt: skip


def environment(tmp_path: Path, wait: float | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(SELECT_DIR)])}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env[SELECT_VARIABLE] = str(tmp_path / "selection.txt")
    if wait is not None:
        env[SELECT_WAIT_VARIABLE] = str(wait)
    return env


def run(tmp_path: Path, selection: str | None) -> subprocess.CompletedProcess[str]:
    env = environment(tmp_path)
    if selection is not None:
        (tmp_path / "selection.txt").write_text(selection)
    else:
        del env[SELECT_VARIABLE]
    return subprocess.run(
        command(tmp_path), cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=RUN_TIMEOUT,
    )  # fmt: skip


def test_only_the_named_tests_run(tmp_path: Path) -> None:
    done = run(tmp_path, "test_sample.py::test_one\ntest_sample.py::test_three\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_one PASSED" in done.stdout and "test_three PASSED" in done.stdout
    assert "test_two" not in done.stdout and "1 deselected" in done.stdout


@pytest.mark.parametrize("selection", [None, "", "test_sample.py::test_gone\n"])
def test_no_usable_selection_runs_every_test(tmp_path: Path, selection: str | None) -> None:
    done = run(tmp_path, selection)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout and "deselected" not in done.stdout


def test_told_to_wait_pytest_waits_for_the_selection_before_the_projects_code(
    tmp_path: Path,
) -> None:
    (tmp_path / "started_plugin.py").write_text(STARTED_PLUGIN)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    argv = command(tmp_path)
    argv[3:3] = ["-p", "started_plugin"]
    process = subprocess.Popen(
        argv, cwd=tmp_path, env=environment(tmp_path, WAIT), stdout=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: (tmp_path / "started").exists(), RUN_TIMEOUT, "pytest to start")
        assert not (tmp_path / "conftest-saw").exists()
        (tmp_path / "selection.txt").write_text("test_sample.py::test_two\n")
        out, _ = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0, out
    assert (tmp_path / "conftest-saw").read_text() == "True"
    assert "test_two PASSED" in out and "2 deselected" in out


def test_a_selection_that_never_comes_runs_every_test_after_the_wait(tmp_path: Path) -> None:
    done = subprocess.run(
        command(tmp_path), cwd=tmp_path, env=environment(tmp_path, SHORT_WAIT),
        capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout and "deselected" not in done.stdout
