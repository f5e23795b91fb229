"""`smart-debug run`: the Smart Debug Session from a terminal. Phases, each on the progress line
and in the report's timeline:

1. reading the code: the command (script, module or tests), the issue text or traceback given;
   the debug session through the proxy is begun at once, so its start-up overlaps what follows
   (a test run starts, collects, and waits until its probes are in);
2. experiments (test commands): localize's spectra, mutants and predicate switching;
3. running: the program through the proxy (for tests, only the failing ones), whose live
   session tests localize's top hypotheses (their predictions, a few probes) and reads the
   suspect function's arguments at its entry, and captures evidence at every stop;
4. the report, the regression test, the store.

Ctrl-C at any point ends the session in order and writes the report of what was gathered.
Exit codes: 0 a ranking was produced, 2 bad usage, 3 the command never failed, 4 the program
could not be started, 130 interrupted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from dap_proxy.evidence.reports.model import RunReport, TimelineEntry, TimelineKind
from dap_proxy.experiments.models import LocalizeReport
from dap_proxy.hypotheses.models import Hypothesis

if TYPE_CHECKING:
    from dap_proxy.workflow.testrun import WarmPytest
from dap_proxy.workflow.observe import Observation, ObservingRun

EXIT_OK, EXIT_USAGE, EXIT_NEVER_FAILED, EXIT_NOT_STARTED, EXIT_INTERRUPTED = 0, 2, 3, 4, 130
DEFAULT_BUDGET = 60.0  # seconds for the whole run
# localize's hypotheses the observing session tests (all of localize's top 10: its probabilities
# stay one distribution); it probes the lines of the first few only (observe.TESTED_LINES)
OBSERVED_HYPOTHESES = 20
MIN_RUN_BUDGET = 10.0  # seconds the observing run keeps even when localize used the rest


class RunOptions(BaseModel):
    command: list[str]
    cwd: Path
    issue: str = ""
    traceback: str = ""  # the text of --traceback FILE
    budget: float = DEFAULT_BUDGET
    report: bool = True
    write_test: Path | None = None


Progress = Callable[[str, str], None]  # (phase, detail)


class RunState:
    """Everything gathered so far; the report is built from it even after Ctrl-C."""

    def __init__(self, options: RunOptions, progress: Progress) -> None:
        self.options = options
        self.progress = progress
        self.wall_start = datetime.now(timezone.utc)
        self.started = time.monotonic()
        self.timeline: list[TimelineEntry] = []
        self.notes: list[str] = []
        self.localized: LocalizeReport | None = None
        self.localize_at = 0.0
        self.observing: ObservingRun | None = None
        self.interrupted = False
        self.scratch: Path | None = None  # a temporary folder of the run's own files
        self.pytest: WarmPytest | None = None  # for the regression test, started early

    def now(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def mark(self, kind: TimelineKind, text: str, phase: str | None = None) -> None:
        self.timeline.append(TimelineEntry(at=self.now(), kind=kind, text=text))
        if phase is not None:
            self.progress(phase, text)

    @property
    def observation(self) -> Observation:
        return self.observing.result if self.observing is not None else Observation()


def run(options: RunOptions, progress: Progress) -> tuple[int, RunReport | None, Path | None]:
    """The whole run; returns (exit code, report, path of the JSON report or None)."""
    from dap_proxy.workflow.target import BadUsage, NotStarted, read_target

    state = RunState(options, progress)
    try:
        target = read_target(options.command, options.cwd)
    except BadUsage as exc:
        progress("error", str(exc))
        return EXIT_USAGE, None, None
    except NotStarted as exc:
        state.mark("failure", f"could not be started: {exc}", "error")
        return _finish(state, None, EXIT_NOT_STARTED, str(exc))
    try:
        try:
            code, why = _phases(state, target)
        except KeyboardInterrupt:
            state.interrupted = True
            state.mark("note", "interrupted (Ctrl-C): ending the session", "interrupted")
            code, why = EXIT_INTERRUPTED, "interrupted"
        # what the session saw is collected when it ends; the processes end while the report
        # is written
        return _finish(state, target, code, why)
    finally:
        if state.observing is not None:
            state.observing.close()
        if state.pytest is not None:
            state.pytest.close()
        if state.scratch is not None:
            shutil.rmtree(state.scratch, ignore_errors=True)


def _phases(state: RunState, target: object) -> tuple[int, str]:
    from dap_proxy.workflow.observe import ObservingRun
    from dap_proxy.workflow.probes import plan_probes
    from dap_proxy.workflow.target import Target

    assert isinstance(target, Target)
    options = state.options
    state.mark(
        "phase", f"reading the code: {target.kind} `{target.describe()}`", "reading the code"
    )
    smart_debug: dict[str, object] = {"workspace": str(options.cwd)}
    if options.issue:
        smart_debug["issue"] = options.issue
    if options.traceback:
        smart_debug["traceback"] = options.traceback
    tests = target.kind == "tests"
    if tests:
        # the hypotheses to test are localize's, given once it is done: none of the store's
        # older ones get probes meanwhile
        smart_debug["autoLogpoints"] = 0
    selection: Path | None = None  # the tests the session runs, written after localize
    if tests:
        state.scratch = Path(tempfile.mkdtemp(prefix="smart-debug-run-"))
        selection = state.scratch / "selection.txt"
    # a test run starts and collects while localize works, then waits for the selection file
    launch = target.launch(
        options.cwd, smart_debug, fast=tests, selection=selection, selection_wait=options.budget
    )
    state.observing = ObservingRun(launch, options.cwd, state.now)
    state.observing.begin_in_background(configure=selection is not None)
    deadline = state.started + options.budget
    hypotheses: list[Hypothesis] = []
    failing_tests: list[str] = []  # the tests the session runs (none known: every test)
    if tests:
        code = _experiments(state, target, deadline)
        if code is not None:
            return code, "localize"
        if state.localized is not None:
            failing_tests = state.localized.failing_tests
            hypotheses = state.localized.hypotheses[:OBSERVED_HYPOTHESES]

    def release() -> None:
        """The held test run goes on, with only these tests, once the probes are in."""
        if selection is not None:
            written = selection.with_name(selection.name + ".part")
            written.write_text("\n".join(failing_tests), "utf-8")
            os.replace(written, selection)  # whole when pytest sees it

    probes = plan_probes(state.localized, options.cwd)
    left = max(MIN_RUN_BUDGET, deadline - time.monotonic())
    failing = len(state.localized.failing_tests) if state.localized is not None else 0
    state.mark(
        "phase",
        f"running through the proxy: {len(hypotheses)} hypotheses to test"
        + (f" on the {failing} failing test(s)" if failing else ""),
        "running",
    )
    last = [0]

    def changed() -> None:
        result = state.observation
        hits = sum(1 for e in result.view.evidence if e.kind == "probe")
        if hits != last[0] or result.stops:
            last[0] = hits
            state.progress("probes hit", f"{hits} observation(s), {len(result.stops)} stop(s)")

    if state.options.report:
        from dap_proxy.workflow.testrun import WarmPytest

        # its start-up overlaps the session's; the regression test runs in it
        state.pytest = WarmPytest(target.python, options.cwd)
    state.observing.run(hypotheses, probes, left, changed, release)
    result = state.observation
    if not result.started:
        state.mark("failure", f"could not be started: {result.start_error}")
        return EXIT_NOT_STARTED, result.start_error
    if not result.live and result.live_note:
        state.notes.append(
            "the proxy's live session did not answer (no probes observed, no live evidence): "
            + result.live_note
        )
    end = (
        "still running at the end of the budget: paused and ended"
        if result.hung
        else (f"ended with exit code {result.exit_code}")
    )
    state.mark("end", f"program {end}", "running")
    from dap_proxy.workflow.target import not_started_reason

    why = not_started_reason(target, result)
    if why:
        return EXIT_NOT_STARTED, why
    return EXIT_OK, ""


def _experiments(state: RunState, target: object, deadline: float) -> int | None:
    from dap_proxy.experiments.localize import LocalizeError, LocalizeOptions, localize

    options = state.options
    state.mark("phase", "experiments: spectra, mutants, predicate switching", "experiments")
    budget = max(5.0, deadline - time.monotonic() - MIN_RUN_BUDGET)

    def progress(what: str, fraction: float | None) -> None:
        state.progress("experiments", what)

    try:
        state.localized = localize(
            LocalizeOptions(command=options.command, cwd=options.cwd, budget=budget), progress
        )
    except LocalizeError as exc:
        state.mark("note", f"localize: {exc}")
        if exc.exit_code == EXIT_NEVER_FAILED:
            return EXIT_NEVER_FAILED
        state.notes.append(f"localize could not rank lines: {exc}")
        return None
    state.localize_at = state.now()
    report = state.localized
    state.mark(
        "experiment",
        f"{report.failing} of {report.tests} tests failed; {len(report.experiments)} experiments "
        f"in {report.seconds:.1f}s",
    )
    for experiment in report.experiments:
        if experiment.outcome in ("fixed", "partial fix"):
            state.timeline.append(
                TimelineEntry(
                    at=state.localize_at,
                    kind="experiment",
                    text=f"{experiment.kind}: {experiment.description} -> {experiment.outcome}",
                    file=experiment.file,
                    line=experiment.line,
                )  # fmt: skip
            )
    return None


def _finish(
    state: RunState, target: object, code: int, why: str
) -> tuple[int, RunReport | None, Path | None]:
    from dap_proxy.workflow.finish import build_and_write

    return build_and_write(state, target, code, why)
