"""The state one `smart-debug localize` run shares between its phases: the options, the budget
(deadline), the experiments and notes recorded so far, and how test jobs are bounded in time.
The phases (baseline.py, mutation.py, repetition.py, report.py) read and extend it; localize.py
orchestrates them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from dap_proxy.experiments.models import ALL_EXPERIMENTS, Experiment
from dap_proxy.experiments.runners import Job

DEFAULT_BUDGET = 60.0  # seconds for the whole command
DEFAULT_TEST_TIMEOUT = 1.0  # seconds per test in the first run: longer counts as a hang
COMMAND_TIMEOUT_FACTOR, COMMAND_TIMEOUT_FLOOR = 10, 10.0  # a whole non-pytest command
BUDGET_RESERVE = 0.5  # seconds kept for scoring and the report

Progress = Callable[[str, float | None], None]  # (what, fraction done or None)


class LocalizeError(Exception):
    """Localize cannot produce a ranking; `exit_code` is the CLI's answer."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class LocalizeOptions(BaseModel):
    command: list[str]
    cwd: Path
    top: int = 10
    budget: float = DEFAULT_BUDGET
    experiments: set[str] = Field(default_factory=lambda: set[str](ALL_EXPERIMENTS))
    test_timeout: float = DEFAULT_TEST_TIMEOUT
    workers: int = 2


class RunState:
    """What every phase of one run needs; `cancelled` makes queued mutant jobs skip themselves."""

    def __init__(self, options: LocalizeOptions, progress: Progress | None):
        self.options = options
        self.progress: Progress = progress or (lambda what, fraction: None)
        self.started = time.monotonic()
        self.deadline = self.started + options.budget
        self.experiments: list[Experiment] = []
        self.notes: list[str] = []
        self.cancelled = False
        self.is_pytest = True

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def timeout(self) -> float:
        """Per test; a non-pytest command is one test as a whole, so it gets more."""
        timeout = self.options.test_timeout
        if not self.is_pytest:
            timeout = max(COMMAND_TIMEOUT_FACTOR * timeout, COMMAND_TIMEOUT_FLOOR)
        return timeout

    def run_job(self, key: str, fast: bool, only: list[str] | None = None) -> Job:
        """A whole-suite (or `only` these tests) run bounded by the remaining budget."""
        return Job(
            key=key,
            only=only,
            timeout=self.timeout(),
            hard_timeout=max(1.0, self.left() - BUDGET_RESERVE),
            fast=fast,
        )
