"""`smart-debug localize`: run the tests under per-test coverage, score lines by spectra and static
priors, then test the most suspicious lines with mutants and forced predicates in scratch copies
(both cores), repeat the run to catch intermittent failures, and rank lines by the evidence.

This module is the orchestrator and the public API (`localize`, `LocalizeOptions`,
`LocalizeError`). The phases live next to it: run_state.py (shared state, budget), baseline.py (the
unmodified runs and the per-line evidence table), mutant_runs.py (perturbation and predicate
switching), repetition.py (intermittent failures), scoring.py (the ranking), beliefs.py (the
hypotheses and their probabilities) and report.py (suggestions and the report).

The user's files are never written: everything runs in copies under a temp folder that is removed
at the end. Every run is bounded in time; the whole command honours --budget.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

from dap_proxy.experiments.baseline import (
    line_evidence,
    no_tests,
    observations,
    outcomes,
    prepared,
    record_run,
)
from dap_proxy.experiments.models import LocalizeReport
from dap_proxy.experiments.mutant_runs import Planned, cancel, collect, plan_mutants
from dap_proxy.experiments.repetition import flaky_notes, repeat
from dap_proxy.experiments.report import build_report, import_failure_report
from dap_proxy.experiments.run_state import (
    DEFAULT_BUDGET,
    DEFAULT_TEST_TIMEOUT,
    LocalizeError,
    LocalizeOptions,
    Progress,
    RunState,
)
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
from dap_proxy.experiments.testcommand import CommandError, parse_test_command

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TEST_TIMEOUT",
    "LocalizeError",
    "LocalizeOptions",
    "Progress",
    "localize",
]

QUIET_REPEAT_RUNS = 8  # runs before concluding that the command never fails (races hide)
RECHECK_RUNS = 3  # reruns of just the failing tests, ahead of the mutants


class _Run(RunState):
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
        runners: list[Runner] = []
        try:
            self.progress("copying the project", None)
            kind = PytestRunner if command.is_pytest else CommandRunner
            try:
                runners = [kind(command, options.cwd, ".", scratch, n) for n in range(n_workers)]
            except SandboxError as error:
                raise LocalizeError(str(error), 2) from error
            self._start(runners)
            self.is_pytest = command.is_pytest
            pool = Pool(runners, self.deadline)
            try:
                return self._localize(pool, command.describe(), command.is_pytest)
            finally:
                self.cancelled = True
                pool.close()
        finally:
            for runner in runners:
                runner.stop()
            remove_tree(scratch)

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

    def _localize(self, pool: Pool, described: str, is_pytest: bool) -> LocalizeReport:
        """Run 1: the user's configuration, traced. Run 2, on the other core at the same time:
        the fast configuration (pytest) or the same command again, traced. When run 2 finishes
        first, mutants start on its data at once (speculatively); equal outcomes of both runs
        confirm it, and mean the failure is deterministic. Different outcomes: a third run in
        the user's configuration tells an intermittent failure from a plugin the fast
        configuration lacks, and the speculative mutants are dropped."""
        options = self.options
        wants = options.experiments
        mutating = bool(wants & {"perturbation", "predicate"})
        second = bool(wants & {"perturbation", "predicate", "repetition"}) and len(pool.runners) > 1
        self.progress("running the tests under coverage", 0.0)
        full_future = pool.submit(self.run_job("run-user", fast=False))
        second_answer: RunAnswer | None = None
        plan: list[Planned] = []
        recheck: list[Future[RunAnswer | None]] = []
        if second:
            second_answer = prepared(
                self, pool.submit(self.run_job("run-2", fast=is_pytest)).result()
            )
            failed = second_answer is not None and any(r.failed for r in second_answer.results)
            if failed and "repetition" in wants and second_answer is not None:
                # the failing tests again, a few times, ahead of the mutants: a race shows here
                # (not the ones that hung: a hang costs its whole timeout every time)
                failing_ids = [r.nodeid for r in second_answer.results if r.outcome == "failed"]
                recheck = [
                    pool.submit(
                        self.run_job(
                            f"recheck-{i}", fast=is_pytest, only=failing_ids if is_pytest else None
                        )
                    )
                    for i in range(RECHECK_RUNS if failing_ids else 0)
                ]
            if failed and mutating and is_pytest and second_answer is not None:
                self.progress("testing mutants", 0.0)
                evidence = line_evidence(
                    self, spectra(observations([second_answer])), second_answer.results
                )
                plan = plan_mutants(self, pool, evidence, second_answer.results, fast=True)
        full = prepared(self, full_future.result())
        if full is None or (not full.results and not full.collect_errors):
            cancel(self, plan)
            raise no_tests(self, full)
        record_run(self, full, described, 1)
        if not full.results:
            cancel(self, plan)
            return import_failure_report(self, full, described)
        runs = [full]
        flaky = False
        fast_ok = False
        if second_answer is not None and second_answer.results:
            record_run(self, second_answer, described, 2)
            rechecked = [a for a in (f.result() for f in recheck) if a is not None and a.results]
            varies = any(outcomes(a).items() - outcomes(second_answer).items() for a in rechecked)
            if outcomes(second_answer) == outcomes(full) and not varies:
                fast_ok = is_pytest
            elif varies:
                cancel(self, plan)
                plan = []
                flaky = True
                runs += [second_answer, *[a for a in rechecked if prepared(self, a) is not None]]
            else:
                cancel(self, plan)
                plan = []
                third = None
                if is_pytest and "repetition" in wants:
                    third = prepared(self, pool.submit(self.run_job("run-3", fast=False)).result())
                if third is not None and third.results and outcomes(third) == outcomes(full):
                    record_run(self, third, described, 3)
                    self.notes.append(
                        "some tests need a pytest plugin: mutants run with all plugins"
                    )
                elif is_pytest and third is None:
                    pass  # no repetition wanted: keep the user's run
                else:
                    flaky = True
                    runs.append(second_answer)
                    if third is not None and third.results:
                        runs.append(third)
        if flaky and "repetition" in wants:
            runs += repeat(self, pool, described)
        failing_runs = [r for answer in runs for r in answer.results if r.failed]
        if not failing_runs and "repetition" in wants:
            # an intermittent failure (a race) may just not have shown up yet: a few more runs
            more = repeat(self, pool, described, fast=is_pytest and fast_ok, runs=QUIET_REPEAT_RUNS)
            if any(r.failed for answer in more for r in answer.results):
                flaky = True
                runs += more
                failing_runs = [r for answer in runs for r in answer.results if r.failed]
        if not failing_runs:
            cancel(self, plan)
            raise LocalizeError(
                f"the command never failed ({len(full.results)} tests passed): nothing to "
                "localize. Give localize a command whose tests fail.",
                3,
            )
        if plan:  # the speculative mutants stand: their evidence objects are the ranking's
            evidence = plan[0].evidence_list
            collect(self, plan)
        else:
            evidence = line_evidence(self, spectra(observations(runs)), full.results)
            if mutating and not flaky:
                self.progress("testing mutants", 0.0)
                collect(self, plan_mutants(self, pool, evidence, full.results, fast=fast_ok))
            elif mutating:
                self.notes.append("intermittent failure: mutants were not tried (outcomes vary)")
        ranked = combine(evidence, wants, intermittent=flaky)
        report = build_report(self, ranked, full.results, described, intermittent=flaky)
        if flaky:
            report.notes.extend(flaky_notes(runs))
        return report


def localize(options: LocalizeOptions, progress: Progress | None = None) -> LocalizeReport:
    """Run the whole localization; raises LocalizeError (with the CLI exit code) when it cannot."""
    return _Run(options, progress).run()
