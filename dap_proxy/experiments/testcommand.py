"""Reading the user's test command: is it pytest (first-class, per-test data through the plugin)
or any other command (one test whose pass/fail is its exit status), and with which interpreter."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from pydantic import BaseModel

_PYTHON_NAME = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?(\.exe)?$")
_PYTEST_NAMES = {"pytest", "py.test", "pytest.exe", "py.test.exe"}
# Options that would stop the run early, parallelize it out of our process, or wait for a person.
_DROP_FLAGS = {"-x", "--exitfirst", "--pdb", "--trace", "--sw", "--stepwise", "-l"}
_DROP_WITH_VALUE = {"-n", "--numprocesses", "--maxfail", "--dist", "--pdbcls"}


class CommandError(Exception):
    """The test command cannot be run as given; the message says why (exit code 2)."""


class TestCommand(BaseModel):
    argv: list[str]
    is_pytest: bool
    python: str | None = None  # interpreter for pytest commands
    pytest_args: list[str] = []  # arguments after `pytest`
    add_cwd: bool = False  # `python -m pytest` puts the current folder on sys.path

    def describe(self) -> str:
        return " ".join(self.argv)


def _is_python(word: str) -> bool:
    return bool(_PYTHON_NAME.match(os.path.basename(word)))


def _resolve(word: str, cwd: Path) -> str | None:
    if os.sep in word:
        path = (cwd / word) if not os.path.isabs(word) else Path(word)
        return str(path) if path.exists() else None
    return shutil.which(word)


def _shebang_python(script: str) -> str | None:
    """The interpreter named on a console script's first line (pip-generated `pytest`)."""
    try:
        with open(script, "rb") as handle:
            first = handle.readline(512).decode("utf-8", "replace").strip()
    except OSError:
        return None
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    if not words:
        return None
    if os.path.basename(words[0]) == "env" and len(words) > 1:
        return shutil.which(words[-1])
    return words[0] if os.path.exists(words[0]) else None


def strip_pytest_args(args: list[str]) -> list[str]:
    """Drop options that stop early or move tests out of our process (-x, --maxfail, -n, --pdb)."""
    kept: list[str] = []
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
            continue
        if arg in _DROP_FLAGS:
            continue
        if arg in _DROP_WITH_VALUE:
            skip_next = True
            continue
        if any(arg.startswith(f"{opt}=") for opt in _DROP_WITH_VALUE if opt.startswith("--")):
            continue
        if re.match(r"^-n\d+$|^-nauto$", arg):
            continue
        kept.append(arg)
    # `-x` or `--maxfail` from the ini file's addopts would stop the run early too; the last
    # value wins, and 0 means no limit
    return [*kept, "--maxfail=0"]


def parse_test_command(argv: list[str], cwd: Path) -> TestCommand:
    if not argv:
        raise CommandError("no test command given: use `smart-debug localize -- pytest tests/`")
    first = argv[0]
    resolved = _resolve(first, cwd)
    if resolved is None:
        raise CommandError(
            f"the test command `{first}` was not found (not on PATH, not a file); check the "
            "spelling or give the full path"
        )
    name = os.path.basename(first)
    if name in _PYTEST_NAMES:
        python = _shebang_python(resolved) or sys.executable
        return TestCommand(
            argv=argv, is_pytest=True, python=python, pytest_args=strip_pytest_args(argv[1:])
        )
    if (
        _is_python(first)
        and len(argv) >= 3
        and argv[1] == "-m"
        and argv[2] in ("pytest", "py.test")
    ):
        return TestCommand(
            argv=argv,
            is_pytest=True,
            python=resolved,
            pytest_args=strip_pytest_args(argv[3:]),
            add_cwd=True,
        )
    if _is_python(first):
        return TestCommand(argv=[resolved, *argv[1:]], is_pytest=False, python=resolved)
    return TestCommand(argv=[resolved, *argv[1:]], is_pytest=False)
