"""`smart-debug localize`: run the tests plainly (their outcomes are the ones that count), trace
per-test line coverage of the failing tests and of the passing tests over the files they share,
score lines by spectra and static priors, then test the most suspicious lines with mutants and
forced predicates in scratch copies (both cores), repeat the run to catch intermittent failures,
and rank lines by the evidence.

This module is the orchestrator and the public API (`localize`, `LocalizeOptions`,
`LocalizeError`). The phases live next to it: localize_state.py (shared state, budget, time limits),
baseline.py (the plain runs and the per-line evidence table), spectra_runs.py (traced runs and
instability), mutant_runs.py (perturbation and predicate switching), repetition.py
(intermittent failures), scoring.py (the ranking), beliefs.py (the hypotheses and their
probabilities) and report.py (suggestions and the report).

The user's files are never written: everything runs in copies under a temp folder that is removed
at the end. Every run is bounded in time; the whole command honours --budget.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future

from dap_proxy.experiments.baseline import (
    confirm_hangs,
    line_evidence,
    no_tests,
    outcomes,
    record_run,
)
from dap_proxy.experiments.localize_state import (
    DEFAULT_BUDGET,
    DEFAULT_TEST_TIMEOUT,
    STOPPED,
    LocalizeError,
    LocalizeOptions,
    LocalizeState,
    Progress,
)
from dap_proxy.experiments.models import LocalizeReport, Outcomes
from dap_proxy.experiments.mutant_runs import run_mutants
from dap_proxy.experiments.repetition import flaky_notes, repeat
from dap_proxy.experiments.report import build_report, import_failure_report
from dap_proxy.experiments.runners import (
    CommandRunner,
    Pool,
    PytestRunner,
    RunAnswer,
    Runner,
    RunnerError,
)
from dap_proxy.experiments.sandbox import SandboxError, make_scratch_root, remove_tree
from dap_proxy.experiments.scoring import combine
from dap_proxy.experiments.spectra import spectra
from dap_proxy.experiments.spectra_runs import run_spectra
from dap_proxy.experiments.testcommand import CommandError, parse_test_command

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TEST_TIMEOUT",
    "LocalizeError",
    "LocalizeOptions",
    "Progress",
    "localize",
]

RecheckRun = Future[RunAnswer | None]
QUIET_REPEAT_RUNS = 8  # runs before concluding that the command never fails (races hide)
RECHECK_RUNS = 3  # reruns of just the failing tests: a race that failed twice shows here


class _Run(LocalizeState):
    """One localization: sets up the workers, then runs the phases in order."""

    def run(self) -> LocalizeReport:
        options = self.options
        try:
            command = parse_test_command(options.command, options.cwd)
        except CommandError as error:
            raise LocalizeError(str(error), 2) from error
        wants = options.experiments
        n_workers = options.workers if wants - {"spectra", "static"} else 1
        scratch = make_scratch_root()
        self.runners: list[Runner] = []
        self.ended = False
        if self.stop is not None:
            threading.Thread(target=self._close_when_stopped, daemon=True).start()
        try:
            self.progress("copying the project", None)
            kind = PytestRunner if command.is_pytest else CommandRunner
            try:
                self.runners = [
                    kind(command, options.cwd, ".", scratch, n) for n in range(n_workers)
                ]
            except SandboxError as error:
                raise LocalizeError(str(error), 2) from error
            self._start(self.runners)
            self.is_pytest = command.is_pytest
            pool = Pool(self.runners, self.deadline)
            try:
                report = self._localize(pool, command.describe(), command.is_pytest)
            finally:
                self.cancelled = True
                pool.close()
        except Exception as error:
            if self.stopped():  # whatever a killed test process made the run raise
                raise LocalizeError(STOPPED, 1) from error
            raise
        finally:
            stopped = self.stopped()
            self.ended = True
            for runner in self.runners:
                runner.stop()
            remove_tree(scratch)
            if self.stop is not None:
                self.stop.set()  # ends the watcher thread
        if stopped:
            raise LocalizeError(STOPPED, 1)
        return report

    def _close_when_stopped(self) -> None:
        """Waits for `stop`, then closes the runners: whatever waits on a test process returns at
        once, and the run ends at its next step, cleaning up on its way."""
        assert self.stop is not None
        self.stop.wait()
        if not self.ended:
            for runner in list(self.runners):
                runner.close()

    def _start(self, runners: list[Runner]) -> None:
        self.progress("starting test workers", None)
        errors: list[str] = []

        def start(runner: Runner) -> None:
            try:
                runner.start()
            except RunnerError as error:
                errors.append(str(error))

        threads = [threading.Thread(target=start, args=(r,)) for r in runners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise LocalizeError(errors[0], 2)

    def _plain(self, pool: Pool, key: str, fast: bool) -> RunAnswer | None:
        """A plain run, retried once when its outcomes are implausible; None when it stays so
        (the note says why)."""
        answer = pool.submit(self.plain_job(key, fast=fast)).result()
        why = _plain_implausible(answer)
        if why is None:
            return answer
        again = pool.submit(self.plain_job(key + "-again", fast=fast)).result()
        why_again = _plain_implausible(again)
        if why_again is None:
            self.notes.append(f"a plain run was implausible ({why}) and was run again")
            return again
        self.notes.append(f"a plain run was implausible twice ({why}; then {why_again})")
        return None

    def _submit_recheck(self, pool: Pool, full: RunAnswer, fast: bool) -> list[RecheckRun]:
        """The failing tests again, a few times (cheap: only them; not the ones that hung, whose
        every run costs the whole limit): a race that failed in both plain runs shows here.
        Submitted, not awaited: they run on whichever core the spectra leave free."""
        failing = [r.nodeid for r in full.results if r.outcome == "failed"]
        if not failing:
            return []
        return [
            pool.submit(self.plain_job(f"recheck-{i}", fast=fast, only=failing))
            for i in range(RECHECK_RUNS)
        ]

    def _rechecked(self, full: RunAnswer, futures: list[RecheckRun], runs: list[RunAnswer]) -> bool:
        """True when a recheck changed an outcome; the reruns then join `runs`."""
        answers = [f.result() for f in futures]
        usable = [a for a in answers if a is not None and a.results and not a.error]
        if not any(outcomes(a).items() - outcomes(full).items() for a in usable):
            return False
        runs.extend(usable)
        return True

    def _localize(self, pool: Pool, described: str, is_pytest: bool) -> LocalizeReport:
        """The plain run in the user's configuration decides what fails; on the other core at
        the same time, the fast configuration (pytest) or the same command again: equal
        outcomes mean the fast configuration may serve the traced and mutant runs, and that the
        failure is deterministic. Different outcomes: a third plain run in the user's
        configuration tells an intermittent failure from a plugin the fast configuration
        lacks. Then the spectra (traced), the mutants, the ranking."""
        options = self.options
        wants = options.experiments
        mutating = bool(wants & {"perturbation", "predicate"})
        second = bool(wants & {"perturbation", "predicate", "repetition"}) and len(pool.runners) > 1
        started = time.monotonic()
        self.progress("running the tests (plain)", 0.0)
        second_future = pool.submit(self.plain_job("plain-2", fast=is_pytest)) if second else None
        full = self._plain(pool, "plain-1", fast=False)
        second_answer = second_future.result() if second_future is not None else None
        if second_answer is not None and _plain_implausible(second_answer) is not None:
            second_answer = None
        if full is None or (not full.results and not full.collect_errors):
            raise no_tests(self, full)
        self.stretch_budget(full.seconds)
        pool.deadline = self.deadline  # jobs submitted from now on may use the stretched budget
        confirm_hangs(self, [a for a in (full, second_answer) if a is not None])
        record_run(self, full, described, 1)
        hung = [r.nodeid for r in full.results if r.outcome == "timeout"]
        if hung:
            self.notes.append(
                f"{len(hung)} tests ran past the per-test limit ({self.timeout():g}s) and count as "
                f"hanging: {', '.join(hung[:3])}{' ...' if len(hung) > 3 else ''}; if they are "
                "only slow, raise --test-timeout"
            )
        if not full.results:
            return import_failure_report(self, full, described)
        runs = [full]
        flaky = False
        fast_ok = False
        if second_answer is not None and second_answer.results:
            record_run(self, second_answer, described, 2)
            if outcomes(second_answer) == outcomes(full):
                fast_ok = is_pytest
            else:
                third = None
                if is_pytest and "repetition" in wants:
                    third = pool.submit(self.plain_job("plain-3", fast=False)).result()
                if third is not None and third.results and outcomes(third) == outcomes(full):
                    record_run(self, third, described, 3)
                    self.notes.append(
                        "some tests need a pytest plugin: mutants run with all plugins"
                    )
                elif not (is_pytest and third is None):
                    flaky = True
                    runs.append(second_answer)
                    if third is not None and third.results:
                        runs.append(third)
        recheck: list[RecheckRun] = []
        if not flaky and is_pytest and "repetition" in wants:
            recheck = self._submit_recheck(pool, full, fast_ok)
        self.phase("plain", started)
        if flaky and "repetition" in wants:
            repeated = time.monotonic()
            runs += repeat(self, pool, described)
            self.phase("repetition", repeated)
        failing_runs = [r for answer in runs for r in answer.results if r.failed]
        if not failing_runs and "repetition" in wants:
            # an intermittent failure (a race) may just not have shown up yet: a few more runs
            repeated = time.monotonic()
            more = repeat(self, pool, described, fast=fast_ok, runs=QUIET_REPEAT_RUNS)
            self.phase("repetition", repeated)
            if any(r.failed for answer in more for r in answer.results):
                flaky = True
                runs += more
                failing_runs = [r for answer in runs for r in answer.results if r.failed]
        if not failing_runs:
            raise LocalizeError(
                f"the command never failed ({len(full.results)} tests passed): nothing to "
                "localize. Give localize a command whose tests fail.",
                3,
            )
        # what the ranking calls failing: the plain run's failures (any run's, when they vary)
        reference = full if not flaky else _union_failures(runs)
        kept = (len(self.experiments), len(self.notes))
        traced = run_spectra(self, pool, reference, fast=fast_ok, intermittent=flaky)
        if recheck and self._rechecked(full, recheck, runs):
            # a race after all: more runs, and the spectra again, read as an intermittent failure
            flaky = True
            del self.experiments[kept[0] :], self.notes[kept[1] :]
            repeated = time.monotonic()
            runs += repeat(self, pool, described)
            self.phase("repetition", repeated)
            reference = _union_failures(runs)
            traced = run_spectra(self, pool, reference, fast=fast_ok, intermittent=True)
        self.unstable = traced.unstable
        self.tracer = traced.tracer
        if not any(r.failed for r in traced.results):
            raise LocalizeError(
                "every failing test changed its outcome when traced or could not be traced "
                f"({', '.join(traced.unstable[:3]) or 'no traced run answered'}): no ranking "
                "built on them. Run the failing tests alone, or raise --test-timeout.",
                1,
            )
        lines = {r.nodeid: r.lines for r in traced.results}
        observed = [
            (r.failed, lines[r.nodeid])
            for answer in runs
            for r in answer.results
            if r.nodeid in lines and r.outcome != "skipped"
        ]
        evidence = line_evidence(self, spectra(observed), traced.results)
        if mutating and not flaky:
            run_mutants(self, pool, evidence, traced.results, fast=fast_ok)
        elif mutating:
            self.notes.append("intermittent failure: mutants were not tried (outcomes vary)")
        ranked = combine(evidence, wants, intermittent=flaky)
        report = build_report(self, ranked, traced.results, described, intermittent=flaky)
        report.outcomes = Outcomes(
            tests=len([r for r in full.results if r.outcome != "skipped"]),
            failed=sorted(r.nodeid for r in reference.results if r.failed),
            unstable=sorted(traced.unstable),
            tracer=traced.tracer,
        )
        report.phases = dict(self.phases)
        if flaky:
            report.notes.extend(flaky_notes(runs))
        return report


def _plain_implausible(answer: RunAnswer | None) -> str | None:
    """Why a plain run cannot be the reference: the worker died, the run was cut, or every test
    failed (of several; the retry tells a broken run from a suite that really all fails)."""
    if answer is None:
        return "it was not run within the budget"
    if answer.error:
        return f"the test worker died ({answer.error.strip().splitlines()[0][:120]})"
    if answer.timed_out:
        return "it did not finish within the budget"
    ran = [r for r in answer.results if r.outcome != "skipped"]
    if len(ran) > 1 and all(r.failed for r in ran) and not answer.collect_errors:
        return f"every one of its {len(ran)} tests failed"
    return None


def _union_failures(runs: list[RunAnswer]) -> RunAnswer:
    """The first run, with every test that failed in any run marked failed (intermittent)."""
    failed = {r.nodeid for answer in runs for r in answer.results if r.failed}
    first = runs[0]
    results = [
        r.model_copy(update={"outcome": "failed"}) if r.nodeid in failed and not r.failed else r
        for r in first.results
    ]
    return first.model_copy(update={"results": results})


def localize(
    options: LocalizeOptions,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> LocalizeReport:
    """Run the whole localization; raises LocalizeError (with the CLI exit code) when it cannot.
    Setting `stop` from another thread ends the run early: its test processes are killed, the
    scratch copies removed, and it raises LocalizeError; the run sets `stop` when it returns."""
    return _Run(options, progress, stop).run()
