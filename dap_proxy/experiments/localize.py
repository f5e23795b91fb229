"""`smart-debug localize`: run the tests under per-test coverage, score lines by spectra and static
priors, then test the most suspicious lines with mutants and forced predicates in scratch copies
(both cores), repeat the run to catch intermittent failures, and rank lines by the evidence.

The user's files are never written: everything runs in copies under a temp folder that is removed
at the end. Every run is bounded in time; the whole command honours --budget.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from pathlib import Path

from pydantic import BaseModel, Field

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.experiments.models import (
    ALL_EXPERIMENTS,
    Experiment,
    Hypothesis,
    LocalizeReport,
    Suggestion,
)
from dap_proxy.experiments.moduleflow import augment
from dap_proxy.experiments.mutate import Mutant, mutants_for_lines
from dap_proxy.experiments.priors import LinePrior, line_priors
from dap_proxy.experiments.runners import (
    CommandRunner,
    Job,
    Pool,
    PytestRunner,
    RunAnswer,
    Runner,
    RunnerError,
    TestResult,
)
from dap_proxy.experiments.sandbox import SandboxError, make_scratch_root, remove_tree
from dap_proxy.experiments.scoring import LineEvidence, MutantOutcome, combine, probabilities
from dap_proxy.experiments.spectra import spectra
from dap_proxy.experiments.testcommand import CommandError, parse_test_command

DEFAULT_BUDGET = 60.0  # seconds for the whole command
DEFAULT_TEST_TIMEOUT = 1.0  # seconds per test in the first run: longer counts as a hang
COMMAND_TIMEOUT_FACTOR, COMMAND_TIMEOUT_FLOOR = 10, 10.0  # a whole non-pytest command
MUTANT_TIMEOUT_FLOOR = 0.1  # seconds per test in a mutant run (small programs run in ms)
MUTANT_TIMEOUT_CEILING = 2.0
HUNG_TEST_TIMEOUT = 0.1  # seconds (+10x a typical test) for a test that hung in the first run
SOFT_BUDGET = 8.0  # seconds: past it, a line with a full fix ends the mutant phase early
LATE_BUDGET = 20.0  # seconds: past it, only the most natural mutants are still tried
MAX_CANDIDATE_LINES = 40  # lines tried with mutants, best first
MAX_MUTANTS = 400  # mutants planned in all (most are skipped once the evidence is conclusive)
INERT_AFTER = 5  # mutants of a line that changed no failing test before the line is dropped
CONCLUSIVE_NATURALNESS = 0.85  # a full fix this natural settles the question (see _plan)
MAX_PASSING_PER_MUTANT = 25  # passing tests (that run the line) rerun with each mutant
REPEAT_RUNS = 4  # extra runs when the first two disagree (intermittent failure)
QUIET_REPEAT_RUNS = 8  # runs before concluding that the command never fails (races hide)
RECHECK_RUNS = 3  # reruns of just the failing tests, ahead of the mutants
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


class _PlanContext:
    def __init__(self, by_id: dict[str, TestResult], failing_total: int, settled: set, lock):
        self.by_id = by_id
        self.failing_total = failing_total
        self.settled: set[tuple[str, int]] = settled
        self.lock: threading.Lock = lock
        self.conclusive = False
        self.tried: dict[tuple[str, int], tuple[int, int]] = {}  # line -> (mutants, effective)


class _Planned:
    """One submitted mutant job and what it is about."""

    def __init__(
        self, job: Job, item: LineEvidence, mutant: Mutant, passing_run: int,
        context: _PlanContext, evidence_list: list[LineEvidence],
    ) -> None:  # fmt: skip
        self.job = job
        self.item = item
        self.mutant = mutant
        self.passing_run = passing_run
        self.context = context
        self.evidence_list = evidence_list
        self.future: Future[RunAnswer | None] | None = None


class _Session:
    def __init__(self, options: LocalizeOptions, progress: Progress | None):
        self.options = options
        self.progress = progress or (lambda what, fraction: None)
        self.started = time.monotonic()
        self.deadline = self.started + options.budget
        self.experiments: list[Experiment] = []
        self.notes: list[str] = []
        self.cancelled = False
        self.is_pytest = True

    def left(self) -> float:
        return self.deadline - time.monotonic()

    # ---------------------------------------------------------------------------------------
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

    # ---------------------------------------------------------------------------------------
    def _timeout(self) -> float:
        """Per test; a non-pytest command is one test as a whole, so it gets more."""
        timeout = self.options.test_timeout
        if not self.is_pytest:
            timeout = max(COMMAND_TIMEOUT_FACTOR * timeout, COMMAND_TIMEOUT_FLOOR)
        return timeout

    def _run_job(self, key: str, fast: bool) -> Job:
        return Job(
            key=key,
            timeout=self._timeout(),
            hard_timeout=max(1.0, self.left() - BUDGET_RESERVE),
            fast=fast,
        )

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
        full_future = pool.submit(self._run_job("run-user", fast=False))
        second_answer: RunAnswer | None = None
        plan: list[_Planned] = []
        recheck: list[Future[RunAnswer | None]] = []
        if second:
            second_answer = self._prepared(
                pool.submit(self._run_job("run-2", fast=is_pytest)).result()
            )
            failed = second_answer is not None and any(r.failed for r in second_answer.results)
            if failed and "repetition" in wants and second_answer is not None:
                # the failing tests again, a few times, ahead of the mutants: a race shows here
                # (not the ones that hung: a hang costs its whole timeout every time)
                failing_ids = [r.nodeid for r in second_answer.results if r.outcome == "failed"]
                recheck = [
                    pool.submit(
                        Job(
                            key=f"recheck-{i}",
                            only=failing_ids if is_pytest else None,
                            timeout=self._timeout(),
                            hard_timeout=max(1.0, self.left() - BUDGET_RESERVE),
                            fast=is_pytest,
                        )
                    )
                    for i in range(RECHECK_RUNS if failing_ids else 0)
                ]
            if failed and mutating and is_pytest and second_answer is not None:
                self.progress("testing mutants", 0.0)
                evidence = self._evidence(
                    spectra(_observations([second_answer])), second_answer.results
                )
                plan = self._plan(pool, evidence, second_answer.results, fast=True)
        full = self._prepared(full_future.result())
        if full is None or (not full.results and not full.collect_errors):
            self._cancel(plan)
            raise self._no_tests(full)
        self._record_run(full, described, 1)
        if not full.results:
            self._cancel(plan)
            return self._import_failure(full, described)
        runs = [full]
        flaky = False
        fast_ok = False
        if second_answer is not None and second_answer.results:
            self._record_run(second_answer, described, 2)
            rechecked = [a for a in (f.result() for f in recheck) if a is not None and a.results]
            varies = any(_outcomes(a).items() - _outcomes(second_answer).items() for a in rechecked)
            if _outcomes(second_answer) == _outcomes(full) and not varies:
                fast_ok = is_pytest
            elif varies:
                self._cancel(plan)
                plan = []
                flaky = True
                runs += [second_answer, *[a for a in rechecked if self._prepared(a) is not None]]
            else:
                self._cancel(plan)
                plan = []
                third = None
                if is_pytest and "repetition" in wants:
                    third = self._prepared(pool.submit(self._run_job("run-3", fast=False)).result())
                if third is not None and third.results and _outcomes(third) == _outcomes(full):
                    self._record_run(third, described, 3)
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
            runs += self._repeat(pool, described)
        failing_runs = [r for answer in runs for r in answer.results if r.failed]
        if not failing_runs and "repetition" in wants:
            # an intermittent failure (a race) may just not have shown up yet: a few more runs
            more = self._repeat(pool, described, fast=is_pytest and fast_ok, runs=QUIET_REPEAT_RUNS)
            if any(r.failed for answer in more for r in answer.results):
                flaky = True
                runs += more
                failing_runs = [r for answer in runs for r in answer.results if r.failed]
        if not failing_runs:
            self._cancel(plan)
            raise LocalizeError(
                f"the command never failed ({len(full.results)} tests passed): nothing to "
                "localize. Give localize a command whose tests fail.",
                3,
            )
        if plan:  # the speculative mutants stand: their evidence objects are the ranking's
            evidence = plan[0].evidence_list
            self._collect(plan)
        else:
            evidence = self._evidence(spectra(_observations(runs)), full.results)
            if mutating and not flaky:
                self.progress("testing mutants", 0.0)
                self._collect(self._plan(pool, evidence, full.results, fast=fast_ok))
            elif mutating:
                self.notes.append("intermittent failure: mutants were not tried (outcomes vary)")
        ranked = combine(evidence, wants, intermittent=flaky)
        report = self._report(ranked, full.results, described)
        if flaky:
            report.notes.extend(self._flaky_notes(runs))
        return report

    def _prepared(self, answer: RunAnswer | None) -> RunAnswer | None:
        """Add module/class-level definitions read by each test to its coverage."""
        if answer is not None and answer.results:
            augment(answer.results, self.options.cwd)
        return answer

    def _no_tests(self, answer: RunAnswer | None) -> LocalizeError:
        if answer is None or answer.timed_out:
            return LocalizeError(
                f"the test command did not finish within the budget ({self.options.budget:g}s); "
                "raise --budget or narrow the command to fewer tests",
                1,
            )
        error = answer.error
        return LocalizeError(
            "the test command ran no tests"
            + (f": {error.strip().splitlines()[0]}" if error else "")
            + " (check the command and that the tests are collected)",
            2 if error else 1,
        )

    def _record_run(self, answer: RunAnswer, described: str, number: int) -> None:
        failing = sum(1 for r in answer.results if r.failed)
        self.experiments.append(
            Experiment(
                kind="spectra" if number == 1 else "repetition",
                description=f"run {number} of `{described}` under per-test line coverage",
                tests_run=len(answer.results),
                outcome=f"{failing} of {len(answer.results)} tests failed",
                seconds=round(answer.seconds, 3),
            )
        )

    # ---------------------------------------------------------------------------------------
    def _repeat(
        self, pool: Pool, described: str, fast: bool = False, runs: int = REPEAT_RUNS
    ) -> list[RunAnswer]:
        jobs = [
            Job(
                key=f"repeat-{i}",
                timeout=self._timeout(),
                hard_timeout=self.left(),
                fast=fast,
            )
            for i in range(runs)
        ]
        self.progress("repeating the tests (intermittent failure)", 0.0)
        answers: list[RunAnswer] = []
        for _job, answer in pool.map(jobs):
            if answer.results:
                answers.append(self._prepared(answer))  # type: ignore[arg-type]
            self.progress("repeating the tests (intermittent failure)", len(answers) / len(jobs))
        self.experiments.append(
            Experiment(
                kind="repetition",
                description=f"{len(answers)} more runs of `{described}` in parallel",
                tests_run=sum(len(a.results) for a in answers),
                outcome="failure rates recorded",
                seconds=round(sum(a.seconds for a in answers), 3),
            )
        )
        return answers

    def _flaky_notes(self, runs: list[RunAnswer]) -> list[str]:
        counts: dict[str, list[int]] = {}
        for answer in runs:
            for r in answer.results:
                entry = counts.setdefault(r.nodeid, [0, 0])
                entry[0] += int(r.failed)
                entry[1] += 1
        return [
            f"intermittent: {nodeid} failed {failed} of {total} runs"
            for nodeid, (failed, total) in sorted(counts.items())
            if 0 < failed < total
        ]

    # ---------------------------------------------------------------------------------------
    def _evidence(self, table: dict, results: list[TestResult]) -> list[LineEvidence]:
        crash: dict[str, dict[int, int]] = {}  # file -> line -> frames from the failure point
        for r in results:
            if not r.failed:
                continue
            project = [f for f in r.frames if f[2]]
            for distance, (file, line, _) in enumerate(reversed(project)):
                lines = crash.setdefault(file, {})
                lines[line] = min(lines.get(line, 99), distance)
        priors: dict[str, dict[int, LinePrior]] = {}
        evidence: list[LineEvidence] = []
        for (file, line), spectrum in table.items():
            if spectrum.ef == 0:
                continue
            if file not in priors:
                priors[file] = self._priors_for(file, set(crash.get(file, {})))
            evidence.append(
                LineEvidence(
                    file=file,
                    line=line,
                    spectrum=spectrum,
                    prior=priors[file].get(line),
                    crash_distance=crash.get(file, {}).get(line, 99),
                )
            )
        return evidence

    def _priors_for(self, file: str, crash_lines: set[int]) -> dict[int, LinePrior]:
        if (
            "static" not in self.options.experiments
            and "perturbation" not in self.options.experiments
        ):
            return {}
        try:
            text = (self.options.cwd / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        return line_priors(text, crash_lines)

    # ---------------------------------------------------------------------------------------
    def _plan(
        self, pool: Pool, evidence: list[LineEvidence], results: list[TestResult], fast: bool
    ) -> list[_Planned]:
        """Generate mutants for the most suspicious lines and submit one job per mutant (lines
        interleaved by rank, so a budget stop still covers the top lines)."""
        options = self.options
        wants = options.experiments
        failing = [r for r in results if r.failed]
        passing = [r for r in results if r.outcome == "passed"]
        by_id = {r.nodeid: r for r in results}
        baseline = {r.nodeid: r.failed for r in results if r.outcome != "skipped"}
        for runner in pool.runners:
            if isinstance(runner, PytestRunner):
                runner.baseline = baseline
        covers: dict[tuple[str, int], set[str]] = {}
        for r in results:
            for file, line in r.lines:
                covers.setdefault((file, line), set()).add(r.nodeid)
        # how long a test normally takes: passing ones, else any that finished (a non-pytest
        # command is a single, failing test), else a guess
        durations = (
            [r.duration for r in passing]
            or [r.duration for r in results if r.outcome != "timeout"]
            or [1.0]
        )
        # the slowest test often paid for first imports: take the 90th percentile
        slow = sorted(durations)[int(0.9 * (len(durations) - 1))]
        per_test = min(MUTANT_TIMEOUT_CEILING, max(MUTANT_TIMEOUT_FLOOR, 5 * slow + 0.1))
        typical = sorted(durations)[len(durations) // 2]
        hung_limit = min(per_test, HUNG_TEST_TIMEOUT + 10 * typical)
        ordered = sorted(evidence, key=lambda e: -e.base_score())[:MAX_CANDIDATE_LINES]
        per_file: dict[str, list[LineEvidence]] = {}
        for item in ordered:
            per_file.setdefault(item.file, []).append(item)
        generated: dict[tuple[str, int], list[Mutant]] = {}
        for file, items in per_file.items():
            try:
                text = (options.cwd / file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for line, found in mutants_for_lines(file, text, [i.line for i in items]).items():
                generated[(file, line)] = [m for m in found if self._wanted(m, wants)]
        queues = [(item, generated.get((item.file, item.line), [])) for item in ordered]
        settled: set[tuple[str, int]] = set()  # lines already confirmed by a natural full fix
        context = _PlanContext(
            by_id=by_id, failing_total=len(failing), settled=settled, lock=threading.Lock()
        )

        def skip(job: Job) -> bool:
            """Once a line is confirmed (a natural mutant fixes every failing test and breaks
            nothing) its other mutants add nothing; once any line is, only mutants natural
            enough to compete with it are still worth their time."""
            if self.cancelled:
                return True
            planned = jobs_by_key[job.key]
            key = (planned.item.file, planned.item.line)
            with context.lock:
                if key in settled:
                    return True
                tried, effective = context.tried.get(key, (0, 0))
                if tried >= INERT_AFTER and effective == 0:
                    return True  # the failure does not depend on this line
                elapsed = time.monotonic() - self.started
                if elapsed > SOFT_BUDGET and settled:
                    return True  # enough: a line is already confirmed by a fix
                if elapsed > LATE_BUDGET and planned.mutant.naturalness < CONCLUSIVE_NATURALNESS:
                    return True
                return context.conclusive and planned.mutant.naturalness < CONCLUSIVE_NATURALNESS

        jobs_by_key: dict[str, _Planned] = {}
        plan: list[_Planned] = []
        # most promising first: how suspicious the line is times how plausible the change is
        # (a top line's tenth mutant before a weak line's first), lines in rank order on ties
        top_base = max((item.base_score() for item in ordered), default=1.0) or 1.0
        ranked_mutants = sorted(
            (
                (-(item.base_score() / top_base) * mutant.naturalness, rank, index, item, mutant)
                for rank, (item, line_mutants) in enumerate(queues)
                for index, mutant in enumerate(line_mutants)
            ),
            key=lambda entry: entry[:3],
        )
        for _, _, _, item, mutant in ranked_mutants[:MAX_MUTANTS]:
            covering = covers.get((item.file, item.line), set())
            fail_ids = [r.nodeid for r in failing if r.nodeid in covering]
            pass_ids = _spread(
                [r.nodeid for r in passing if r.nodeid in covering], MAX_PASSING_PER_MUTANT
            )
            only = fail_ids + pass_ids
            job = Job(
                key=f"m{len(plan)}",
                files={item.file: mutant.source},
                only=only,
                timeout=per_test,
                timeouts={i: hung_limit for i in fail_ids if by_id[i].outcome == "timeout"},
                trace=False,
                fast=fast,
                session=True,
                hard_timeout=per_test * len(only) + 10.0,
            )
            planned = _Planned(
                job=job, item=item, mutant=mutant, passing_run=len(pass_ids),
                context=context, evidence_list=evidence,
            )  # fmt: skip
            jobs_by_key[job.key] = planned
            plan.append(planned)
        for planned in plan:
            planned.future = pool.submit(planned.job, skip, self.deadline - BUDGET_RESERVE)
        return plan

    def _collect(self, plan: list[_Planned]) -> None:
        if not plan:
            return
        futures = {p.future: p for p in plan if p.future is not None}
        done = ran = 0
        for future in as_completed(futures):
            done += 1
            self.progress("testing mutants", done / len(futures))
            answer = future.result()
            if answer is None:
                continue
            ran += 1
            planned = futures[future]
            context = planned.context
            item, mutant = planned.item, planned.mutant
            outcome = _outcome(
                mutant, answer, context.by_id, context.failing_total, planned.passing_run
            )
            item.outcomes.append(outcome)
            key = (item.file, item.line)
            with context.lock:
                tried, effective = context.tried.get(key, (0, 0))
                context.tried[key] = (tried + 1, effective + int(outcome.sensitivity > 0))
            if outcome.verdict == "fixed":
                with context.lock:
                    if mutant.naturalness >= 0.6:
                        context.settled.add((item.file, item.line))
                    if mutant.naturalness >= CONCLUSIVE_NATURALNESS:
                        context.conclusive = True
            self.experiments.append(
                Experiment(
                    kind="predicate" if mutant.operator == "predicate" else "perturbation",
                    description=f"line {mutant.line}: {mutant.description}",
                    file=mutant.file,
                    line=mutant.line,
                    tests_run=outcome.tests_run,
                    fixed=outcome.fixed,
                    broken=outcome.broken,
                    changed=outcome.changed,
                    outcome=outcome.verdict,
                    seconds=round(answer.seconds, 3),
                )
            )
        skipped = sum(
            1 for p in plan if (p.item.file, p.item.line) in p.context.settled
        )  # an upper bound of the deliberately skipped ones
        if ran + skipped < len(plan) and time.monotonic() >= self.deadline - BUDGET_RESERVE:
            self.notes.append(
                f"budget reached: {ran} of {len(plan)} planned mutants were tried (raise --budget)"
            )

    def _cancel(self, plan: list[_Planned]) -> None:
        """Drop speculative mutants: the ones not started are skipped, the running ones end."""
        if not plan:
            return
        self.cancelled = True
        for planned in plan:
            if planned.future is not None:
                planned.future.cancel()
        for planned in plan:
            if planned.future is not None and not planned.future.cancelled():
                planned.future.result()
        self.cancelled = False

    @staticmethod
    def _wanted(mutant: Mutant, wants: set[str]) -> bool:
        return ("predicate" if mutant.operator == "predicate" else "perturbation") in wants

    # ---------------------------------------------------------------------------------------
    def _import_failure(self, first: RunAnswer, described: str) -> LocalizeReport:
        """No test ran because collection failed (the project does not import): point at the
        project lines the collection error names."""
        lines: list[tuple[str, int]] = []
        root_names = (
            {p.name for p in self.options.cwd.iterdir()} if self.options.cwd.is_dir() else set()
        )
        pattern = re.compile(r'File "([^"]+)", line (\d+)|^([^\s:][^:\n]*\.py):(\d+):', re.M)
        for error in first.collect_errors:
            for match in pattern.finditer(error.longrepr):
                path = match.group(1) or match.group(3)
                number = int(match.group(2) or match.group(4))
                rel = _relative_to_project(path, root_names, self.options.cwd)
                if rel and not _is_test_path(rel) and (rel, number) not in lines:
                    lines.append((rel, number))
        if not lines:
            first_error = first.collect_errors[0].longrepr.strip().splitlines()
            raise LocalizeError(
                "the tests could not be collected (the project does not import): "
                + (first_error[-1] if first_error else "unknown error")
                + ". Fix the import error first (run the command yourself to see it).",
                1,
            )
        suggestions = [
            Suggestion(
                file=file,
                line=line,
                score=round(1.0 / (index + 1), 4),
                reason="the tests could not be imported; the collection error points here",
            )
            for index, (file, line) in enumerate(reversed(lines))
        ][: self.options.top]
        return LocalizeReport(
            suggestions=suggestions,
            experiments=self.experiments,
            command=described,
            seconds=round(time.monotonic() - self.started, 3),
            notes=["the project does not import: no test ran"],
        )

    # ---------------------------------------------------------------------------------------
    def _report(
        self, ranked: list[LineEvidence], results: list[TestResult], described: str
    ) -> LocalizeReport:
        top = ranked[: self.options.top]
        posterior = probabilities(ranked) if self.options.experiments - {"spectra"} else {}
        suggestions: list[Suggestion] = []
        hypotheses: list[Hypothesis] = []
        failing_total = sum(1 for r in results if r.failed)
        passing_total = sum(1 for r in results if r.outcome == "passed")
        for index, item in enumerate(top):
            best = item.best_fix
            hypothesis_text = _hypothesis_text(best.mutant) if best else None
            reason = _reason(item, best, failing_total, passing_total)
            suggestion = Suggestion(
                file=item.file,
                line=item.line,
                score=round(item.score, 4),
                reason=reason,
                hypothesis=hypothesis_text,
            )
            if best and best.mutant.condition:
                suggestion.kind = ProbeKind.CONDITIONAL
                suggestion.condition = best.mutant.condition
            elif item.prior and item.prior.in_loop and item.prior.names:
                suggestion.kind = ProbeKind.LOGPOINT
                suggestion.log_message = ", ".join(f"{n}={{{n}}}" for n in item.prior.names)
            suggestions.append(suggestion)
            if posterior:
                probability, notes = posterior[(item.file, item.line)]
                verdict = best.verdict if best else None
                status = (
                    "confirmed" if verdict == "fixed"
                    else "supported" if best or item.sensitivity > 0
                    else "refuted" if item.outcomes else "open"
                )  # fmt: skip
                text = item.prior.text if item.prior else ""
                hypotheses.append(
                    Hypothesis(
                        id=f"H{index + 1}",
                        file=item.file,
                        line=item.line,
                        statement=hypothesis_text or f"the fault is on line {item.line}: `{text}`",
                        probability=round(probability, 4),
                        status=status,  # type: ignore[arg-type]
                        evidence=[reason, *notes],
                    )
                )
        return LocalizeReport(
            suggestions=suggestions,
            hypotheses=hypotheses,
            experiments=self.experiments,
            command=described,
            tests=len(results),
            failing=failing_total,
            seconds=round(time.monotonic() - self.started, 3),
            notes=self.notes,
        )


def _outcome(
    mutant: Mutant,
    answer: RunAnswer,
    original: dict[str, TestResult],
    failing_total: int,
    passing_run: int,
) -> MutantOutcome:
    fixed = broken = changed = 0
    for r in answer.results:
        before = original.get(r.nodeid)
        if before is None or r.outcome == "skipped":
            continue
        if before.failed and r.outcome == "passed":
            fixed += 1
        elif not before.failed and r.failed:
            broken += 1
        elif before.failed and r.failed and r.signature() != before.signature():
            changed += 1
    return MutantOutcome(
        mutant=mutant,
        tests_run=len(answer.results),
        fixed=fixed,
        broken=broken,
        changed=changed,
        failing_total=failing_total,
        passing_run=passing_run,
        seconds=answer.seconds,
        timed_out=answer.timed_out,
    )


def _observations(runs: list[RunAnswer]) -> list[tuple[bool, list[tuple[str, int]]]]:
    return [(r.failed, r.lines) for a in runs for r in a.results if r.outcome != "skipped"]


def _outcomes(answer: RunAnswer) -> dict[str, bool]:
    return {r.nodeid: r.failed for r in answer.results if r.outcome != "skipped"}


def _spread(items: list[str], limit: int) -> list[str]:
    """At most `limit` items, evenly spread over the list (deterministic)."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def _hypothesis_text(mutant: Mutant) -> str:
    if mutant.operator == "predicate":
        return (
            f"line {mutant.line}: the condition `{mutant.original.strip()}` decides wrongly "
            f"(forcing it to {mutant.replacement} makes the failing tests pass)"
        )
    if mutant.operator == "insert":
        return (
            f"around line {mutant.line}: a statement seems to be missing, likely "
            f"`{mutant.replacement.strip()}`"
        )
    if mutant.operator == "drop":
        return f"line {mutant.line}: `{mutant.original.strip()}` should likely not be there"
    return f"line {mutant.line}: {mutant.description.replace(' -> ', ' should likely be ')}"


def _reason(item: LineEvidence, best: MutantOutcome | None, failing: int, passing: int) -> str:
    parts: list[str] = []
    if best is not None:
        kept = f"; {best.passing_run - best.broken} of {best.passing_run} passing tests that run it still pass"
        parts.append(
            f"changing {best.mutant.description} makes {best.fixed} of {failing} failing tests pass"
            + (kept if best.passing_run else "")
        )
    elif item.sensitivity > 0:
        parts.append(
            f"mutating it changes the failure of {round(item.sensitivity * failing)} of {failing} failing tests"
        )
    s = item.spectrum
    parts.append(
        f"run by {s.ef} of {s.ef + s.nf} failing and {s.ep} of {s.ep + s.np} passing tests "
        f"(Ochiai {item.ochiai:.2f})"
    )
    if item.prior and item.prior.tags:
        parts.append(", ".join(item.prior.tags))
    if item.crash_distance == 0:
        parts.append("the failure surfaces here")
    return "; ".join(parts)


def _relative_to_project(path: str, root_names: set[str], root: Path) -> str | None:
    """Map a path printed by the scratch run (absolute or relative) back to the project."""
    parts = Path(path).parts
    for i in range(len(parts)):
        if parts[i] in root_names:
            candidate = "/".join(parts[i:])
            if (root / candidate).is_file():
                return candidate
    return None


def _is_test_path(rel: str) -> bool:
    from dap_proxy.experiments.plugin import is_test_file

    return is_test_file(rel)


def localize(options: LocalizeOptions, progress: Progress | None = None) -> LocalizeReport:
    """Run the whole localization; raises LocalizeError (with the CLI exit code) when it cannot."""
    return _Session(options, progress).run()
