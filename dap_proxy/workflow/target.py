"""What `run` was asked to run: a Python script, `python -m module`, or a test command (pytest
first-class, through localize's own reading of test commands), as a launch configuration for
the headless session; and the checks that tell "could not be started" before launching."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from dap_proxy.experiments.runners import fast_pytest_args
from dap_proxy.experiments.testcommand import CommandError, TestCommand, parse_test_command
from dap_proxy.headless import LaunchConfig

# The pytest plugin that narrows a session launched before the failing tests are known.
SELECT_DIR = Path(__file__).resolve().with_name("pytest_select")
SELECT_PLUGIN = "smart_debug_select"
SELECT_VARIABLE = "SMART_DEBUG_SELECT"
SELECT_WAIT_VARIABLE = "SMART_DEBUG_SELECT_WAIT"  # seconds pytest waits for the file to appear
QUICK_EXIT_VARIABLE = "SMART_DEBUG_QUICK_EXIT"  # the plugin ends the process once pytest is over


class NotStarted(Exception):
    """The program cannot be started; the message says why (exit code 4)."""


class BadUsage(Exception):
    """The command line cannot be understood (exit code 2)."""


class Target(BaseModel):
    argv: list[str]
    kind: Literal["script", "module", "tests"]
    python: str
    program: str | None = None  # script path
    module: str | None = None
    args: list[str] = []
    tests: TestCommand | None = None

    def describe(self) -> str:
        return " ".join(self.argv)

    def launch(
        self,
        cwd: Path,
        smart_debug: dict[str, object],
        fast: bool = False,
        only: list[str] | None = None,
        selection: Path | None = None,
        selection_wait: float = 0.0,
    ) -> LaunchConfig:
        """The launch configuration; for tests, `fast` is localize's fast configuration (no
        third-party plugin autoload), `only` narrows the run to those test ids, and
        `selection` names a file of test ids written later (the `smart_debug_select` plugin
        reads it when pytest collects, or, given `selection_wait` seconds, waits that long after
        collecting for it to appear; and it ends the process as soon as pytest is over instead
        of waiting out debugpy's slow exit)."""
        env: dict[str, str] = {}
        if self.kind == "tests":
            assert self.tests is not None
            args = list(self.tests.pytest_args)
            if only:
                args = [a for a in args if a.startswith("-")] + list(only)
            if fast:
                args = fast_pytest_args(args)
                env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
            if selection is not None and os.pathsep not in str(SELECT_DIR):
                args = ["-p", SELECT_PLUGIN, *args]
                inherited = os.environ.get("PYTHONPATH", "")
                env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SELECT_DIR), inherited) if p)
                env[SELECT_VARIABLE] = str(selection)
                env[QUICK_EXIT_VARIABLE] = "1"
                if selection_wait > 0:
                    env[SELECT_WAIT_VARIABLE] = f"{selection_wait:g}"
            return LaunchConfig(
                module="pytest",
                args=args,
                python=self.python,
                cwd=str(cwd),
                env=env,
                justMyCode=True,
                smartDebug=smart_debug,
            )
        return LaunchConfig(
            program=self.program,
            module=self.module,
            args=self.args,
            python=self.python,
            cwd=str(cwd),
            justMyCode=True,
            smartDebug=smart_debug,
        )


def _python_name(word: str) -> bool:
    name = os.path.basename(word)
    return name.startswith(("python", "pypy")) and not name.endswith((".py", ".sh"))


def read_target(argv: list[str], cwd: Path) -> Target:
    """Raises BadUsage for an empty or unreadable command, NotStarted for a missing
    interpreter, script or module file that we can tell without running anything."""
    if not argv:
        raise BadUsage("no command given: smart-debug run [options] -- <command...>")
    first = argv[0]
    is_script = first.endswith(".py")
    if (
        not is_script
        and not _python_name(first)
        and os.path.basename(first)
        not in (
            "pytest",
            "py.test",
        )
    ):
        raise BadUsage(
            f"`{first}` is not a Python command: give `python script.py`, `python -m module` "
            "or a pytest command"
        )
    try:
        tests = parse_test_command(argv, cwd)
    except CommandError as exc:
        if is_script:
            tests = None
        else:
            raise NotStarted(str(exc)) from exc
    if tests is not None and tests.is_pytest:
        return Target(
            argv=argv, kind="tests", python=tests.python or shutil.which("python3") or "python3",
            tests=tests,
        )  # fmt: skip
    python = shutil.which(first) if not is_script else shutil.which("python3")
    rest = argv[1:] if not is_script else argv
    if python is None:
        raise NotStarted(f"the interpreter `{first}` was not found (not on PATH)")
    if not rest:
        raise BadUsage(f"`{first}` alone runs nothing: give a script or `-m module`")
    if rest[0] == "-m":
        if len(rest) < 2:
            raise BadUsage("`-m` needs a module name")
        return Target(argv=argv, kind="module", python=python, module=rest[1], args=rest[2:])
    if rest[0].startswith("-"):
        raise BadUsage(f"interpreter options ({rest[0]}) are not supported: give the script first")
    script = (cwd / rest[0]) if not os.path.isabs(rest[0]) else Path(rest[0])
    if not script.is_file():
        raise NotStarted(f"can't open file {rest[0]!r}: no such file in {cwd}")
    return Target(argv=argv, kind="script", python=python, program=str(script), args=rest[1:])


def not_started_reason(target: Target, observation: object) -> str:
    """Why a program that ran at once to a failing exit never really started (a missing module,
    a script the interpreter cannot open), or "" when it did start."""
    from dap_proxy.workflow.observe import Observation

    assert isinstance(observation, Observation)
    if observation.exit_code in (None, 0) or observation.stops:
        return ""
    text = observation.output
    if target.kind == "module" and target.module:
        root = target.module.split(".")[0]
        for name in (target.module, root):
            if f"No module named {name}" in text or f"No module named '{name}'" in text:
                return f"no module named {target.module!r} for {target.python}"
    if "can't open file" in text:
        line = next(x for x in text.splitlines() if "can't open file" in x)
        return line.strip()
    if target.kind == "tests" and "No module named pytest" in text:
        return f"pytest is not installed for {target.python}"
    return ""
