"""Running the generated regression test with pytest: in a process started ahead of need
(`WarmPytest`, importing pytest while the observing session runs), or in a new one; and what its
outcome means for a regression test (it must fail on the buggy code)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from dap_proxy.experiments.runners import fast_pytest_args

TEST_TIMEOUT = 60.0  # seconds for the generated test's own run
OUTPUT_LINES = 6  # lines of the failing run kept in the report


class WarmPytest:
    """A pytest process started ahead of need, while the observing session runs: importing
    pytest is most of its start-up. It waits for one line, the arguments of the run (JSON), and
    runs them with `pytest.main`; an empty line (`close`) ends it unused."""

    def __init__(self, python: str, cwd: Path) -> None:
        self.python = python
        self.cwd = cwd
        env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        try:
            self.process: subprocess.Popen[str] | None = subprocess.Popen(
                [python, "-c", _WARM], cwd=cwd, env=env, text=True, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )  # fmt: skip
        except OSError:
            self.process = None

    def run(self, test: Path) -> tuple[int | None, str]:
        """(exit code or None, output) of `pytest -q <test>` in the fast configuration."""
        process, self.process = self.process, None
        if process is None:
            return cold_pytest(self.python, test, self.cwd)
        # the assertion as pytest explains it (`E   assert 0.0 == 1.0`) for the report
        arguments = json.dumps(["-q", *fast_pytest_args([str(test)]), "--tb=short"])
        try:
            out, _ = process.communicate(arguments + "\n", timeout=TEST_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return None, f"it did not finish within {TEST_TIMEOUT:g}s"
        except (OSError, ValueError) as exc:
            return None, str(exc)
        return process.returncode, out

    def close(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            process.communicate("\n", timeout=CLOSE_TIMEOUT)
        except (subprocess.TimeoutExpired, OSError, ValueError):
            process.kill()
            process.communicate()


_WARM = """
import json, sys
import pytest
line = sys.stdin.readline().strip()
if line:
    sys.exit(pytest.main(json.loads(line)))
"""
CLOSE_TIMEOUT = 10.0  # seconds an unused warm pytest gets to end


def cold_pytest(python: str, test: Path, cwd: Path) -> tuple[int | None, str]:
    """`pytest -q <test>` in a new process, in the fast configuration (the generated test needs
    no plugin of the project's)."""
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    try:
        done = subprocess.run(
            [python, "-m", "pytest", "-q", *fast_pytest_args([str(test)]), "--tb=short"],
            cwd=cwd, capture_output=True, text=True, timeout=TEST_TIMEOUT, env=env,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None, f"it did not finish within {TEST_TIMEOUT:g}s"
    except OSError as exc:
        return None, str(exc)
    return done.returncode, done.stdout + done.stderr


def run_test(pytest: WarmPytest, test: Path) -> tuple[bool | None, str]:
    """(True: passes, False: fails as a regression test must, None: could not run; output)."""
    code, out = pytest.run(test)
    out = out.strip()
    lines = out.splitlines()
    if code == 0 and re.search(r"\b1 passed\b", out):
        return True, "\n".join(lines[-OUTPUT_LINES:])
    if code == 1 and re.search(r"\b1 failed\b", out):
        return False, "\n".join(failure_lines(lines)[-OUTPUT_LINES:])
    return None, (lines or ["no output"])[-1]


def failure_lines(lines: list[str]) -> list[str]:
    """What a person reads of a failed pytest run (`--tb=short`): the failing line of the test,
    pytest's first explanation of it, and the summary."""
    first = next((i for i, x in enumerate(lines) if x.startswith("E ")), None)
    if first is None:
        return lines[-OUTPUT_LINES:]
    code = [
        x
        for x in lines[max(first - 3, 0) : first]
        if x.startswith("    ") and x.strip(" ^~")  # the failing line, not its caret markers
    ]
    return [*code[-1:], lines[first], lines[-1]]
