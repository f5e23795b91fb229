"""The observing session's pytest plugin, in a real pytest process launched as `run` launches it
(the plugin's folder on PYTHONPATH, `-p smart_debug_select`): only the tests the selection file
names run; without a usable selection every test runs; the program under test never sees the
plugin's variable or folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dap_proxy.workflow.target import SELECT_DIR, SELECT_PLUGIN, SELECT_VARIABLE

TESTS = """\
import os, sys


def test_one():
    assert os.environ.get("SMART_DEBUG_SELECT") is None
    assert not any("pytest_select" in p for p in sys.path)
    assert "pytest_select" not in os.environ.get("PYTHONPATH", "")


def test_two():
    pass


def test_three():
    pass
"""
RUN_TIMEOUT = 60.0  # seconds: one small pytest run


def run(tmp_path: Path, selection: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(TESTS)
    env = {**os.environ, "PYTHONPATH": str(SELECT_DIR), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    if selection is not None:
        (tmp_path / "selection.txt").write_text(selection)
        env[SELECT_VARIABLE] = str(tmp_path / "selection.txt")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", SELECT_PLUGIN, "-p", "no:cacheprovider", "-v",
         "test_sample.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
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
