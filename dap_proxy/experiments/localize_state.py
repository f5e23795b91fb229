"""The state one `smart-debug localize` run shares between its phases: the options, the budget
(deadline), the experiments, notes and phase times recorded so far, and how test jobs are bounded
in time. The plain (untraced) run decides every later limit: a traced or mutated test may take
`max(plain x factor, floor)` before it counts as hung, never a fixed small number. The phases
(baseline.py, spectra_runs.py, mutant_runs.py, repetition.py, report.py) read and extend it;
localize.py orchestrates them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from dap_proxy.experiments.models import ALL_EXPERIMENTS, Experiment
from dap_proxy.experiments.runners import Job

DEFAULT_BUDGET = 60.0  # seconds for the whole command (at least; see adaptive_budget)
BUDGET_PER_PLAIN = 6.0  # without --budget: at least this many times the plain run
PLAIN_STRETCH = 2.0  # without --budget, the plain run may take this many times the default budget
# The plain run: a test longer than this (or than HANG_FACTOR x the slowest test passed so far)
# counts as a hang.
DEFAULT_TEST_TIMEOUT = 10.0
HANG_FACTOR = 5.0
COMMAND_TIMEOUT_FLOOR = 10.0  # a whole non-pytest command, plainly
TRACE_FACTOR, TRACE_FLOOR = 10.0, 2.0  # traced: the plain duration x factor, at least the floor
HUNG_TRACE_LIMIT = 1.0  # traced run of a test that hung plainly: enough to see the loop
BUDGET_RESERVE = 0.5  # seconds kept for scoring and the report

STOPPED = "localize was stopped before it finished"

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
    adaptive_budget: bool = True  # no --budget given: stretch it to BUDGET_PER_PLAIN x plain


class LocalizeState:
    """What every phase of one run needs; `cancelled` makes queued mutant jobs skip themselves;
    `stop`, set from another thread, ends the whole run at its next step (see `localize`)."""

    def __init__(
        self,
        options: LocalizeOptions,
        progress: Progress | None,
        stop: threading.Event | None = None,
    ):
        self.options = options
        self._report: Progress = progress or (lambda what, fraction: None)
        self.stop = stop
        self.started = time.monotonic()
        # an adaptive budget is decided by the plain run, which may itself take longer than the
        # budget (hanging tests on a crowded machine): up to PLAIN_STRETCH x; stretch_budget settles it
        self.deadline = self.started + options.budget * (
            PLAIN_STRETCH if options.adaptive_budget else 1.0
        )
        self.experiments: list[Experiment] = []
        self.notes: list[str] = []
        self.cancelled = False
        self.is_pytest = True
        self.phases: dict[str, float] = {}  # phase -> seconds (the report's `phases`)
        self.plain_seconds = 0.0
        self.unstable: list[str] = []
        self.tracer: str | None = None

    def stretch_budget(self, plain_seconds: float) -> None:
        """Once the plain run's cost is known: a suite of minutes gets the time it needs."""
        self.plain_seconds = plain_seconds
        if self.options.adaptive_budget:
            wanted = self.started + BUDGET_PER_PLAIN * plain_seconds + BUDGET_RESERVE
            self.deadline = max(self.started + self.options.budget, wanted)

    def phase(self, name: str, started: float) -> None:
        self.phases[name] = round(self.phases.get(name, 0.0) + time.monotonic() - started, 3)

    def progress(self, what: str, fraction: float | None) -> None:
        """Report a step; every step is also where a stopped run ends."""
        if self.stopped():
            raise LocalizeError(STOPPED, 1)
        self._report(what, fraction)

    def stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def timeout(self) -> float:
        """Per test in a plain run; a non-pytest command is one test as a whole."""
        timeout = self.options.test_timeout
        if not self.is_pytest:
            timeout = max(2 * timeout, COMMAND_TIMEOUT_FLOOR)
        return timeout

    def plain_job(self, key: str, fast: bool, only: list[str] | None = None) -> Job:
        """An untraced whole-suite (or `only` these tests) run: the outcomes that count."""
        return Job(
            key=key,
            only=only,
            timeout=self.timeout(),
            hang_factor=HANG_FACTOR if self.is_pytest else None,
            trace=False,
            hard_timeout=max(1.0, self.left() - BUDGET_RESERVE),
            fast=fast,
        )


def traced_limit(duration: float, outcome: str) -> float:
    """How long a test may run traced, from its plain run."""
    if outcome == "timeout":
        return HUNG_TRACE_LIMIT
    return max(TRACE_FACTOR * duration, TRACE_FLOOR)
