"""Reading the test command (experiments/testcommand.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dap_proxy.experiments.testcommand import CommandError, parse_test_command, strip_pytest_args


def test_python_dash_m_pytest_is_first_class(tmp_path: Path) -> None:
    command = parse_test_command([sys.executable, "-m", "pytest", "tests/x.py", "-x"], tmp_path)
    assert command.is_pytest and command.add_cwd
    assert command.python == sys.executable
    assert command.pytest_args == ["tests/x.py", "--maxfail=0"]


def test_pytest_script_uses_its_own_interpreter(tmp_path: Path) -> None:
    script = tmp_path / "pytest"
    script.write_text(f"#!{sys.executable}\nimport pytest\n")
    script.chmod(0o755)
    command = parse_test_command([str(script), "-k", "cart"], tmp_path)
    assert command.is_pytest and not command.add_cwd
    assert command.python == sys.executable
    assert command.pytest_args == ["-k", "cart", "--maxfail=0"]


def test_other_commands_are_a_single_test(tmp_path: Path) -> None:
    command = parse_test_command([sys.executable, "check.py"], tmp_path)
    assert not command.is_pytest and command.argv[1:] == ["check.py"]


def test_a_missing_command_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not found"):
        parse_test_command(["no-such-runner-xyz"], tmp_path)
    with pytest.raises(CommandError, match="no test command"):
        parse_test_command([], tmp_path)


def test_options_that_stop_early_or_leave_the_process_are_dropped() -> None:
    args = ["-x", "--maxfail=2", "-n", "4", "-n4", "--pdb", "-k", "a", "t.py", "--maxfail", "3"]
    assert strip_pytest_args(args) == ["-k", "a", "t.py", "--maxfail=0"]
