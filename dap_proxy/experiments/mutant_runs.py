"""Mutation phase of `smart-debug localize` (perturbation and predicate switching): for the most
suspicious lines, generate mutants (small source changes, and conditions forced to True/False),
run the tests that cover each line against every mutant in the workers' scratch copies (both
cores), and record per mutant how many failing tests it fixed, changed or broke. Mutants are
submitted most promising first and skip themselves once the evidence is conclusive or the budget
runs low; a speculative plan can be cancelled when the baseline runs disagree.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, as_completed

from dap_proxy.analysis.mutants import Mutant, mutants_for_lines
from dap_proxy.experiments.models import Experiment
from dap_proxy.experiments.run_state import BUDGET_RESERVE, RunState
from dap_proxy.experiments.runners import Job, Pool, PytestRunner, RunAnswer, TestResult
from dap_proxy.experiments.scoring import LineEvidence, MutantOutcome

MUTANT_TIMEOUT_FLOOR = 0.1  # seconds per test in a mutant run (small programs run in ms)
MUTANT_TIMEOUT_CEILING = 2.0
HUNG_TEST_TIMEOUT = 0.1  # seconds (+10x a typical test) for a test that hung in the first run
SOFT_BUDGET = 8.0  # seconds: past it, a line with a full fix ends the mutant phase early
LATE_BUDGET = 20.0  # seconds: past it, only the most natural mutants are still tried
MAX_CANDIDATE_LINES = 40  # lines tried with mutants, best first
MAX_MUTANTS = 400  # mutants planned in all (most are skipped once the evidence is conclusive)
INERT_AFTER = 5  # mutants of a line that changed no failing test before the line is dropped
CONCLUSIVE_NATURALNESS = 0.85  # a full fix this natural settles the question (see plan_mutants)
MAX_PASSING_PER_MUTANT = 25  # passing tests (that run the line) rerun with each mutant


class _PlanContext:
    def __init__(self, by_id: dict[str, TestResult], failing_total: int, settled: set, lock):
        self.by_id = by_id
        self.failing_total = failing_total
        self.settled: set[tuple[str, int]] = settled
        self.lock: threading.Lock = lock
        self.conclusive = False
        self.tried: dict[tuple[str, int], tuple[int, int]] = {}  # line -> (mutants, effective)


class Planned:
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


def plan_mutants(
    state: RunState,
    pool: Pool,
    evidence: list[LineEvidence],
    results: list[TestResult],
    fast: bool,
) -> list[Planned]:
    """Generate mutants for the most suspicious lines and submit one job per mutant (lines
    interleaved by rank, so a budget stop still covers the top lines)."""
    options = state.options
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
            generated[(file, line)] = [m for m in found if _wanted(m, wants)]
    queues = [(item, generated.get((item.file, item.line), [])) for item in ordered]
    settled: set[tuple[str, int]] = set()  # lines already confirmed by a natural full fix
    context = _PlanContext(
        by_id=by_id, failing_total=len(failing), settled=settled, lock=threading.Lock()
    )

    def skip(job: Job) -> bool:
        """Once a line is confirmed (a natural mutant fixes every failing test and breaks
        nothing) its other mutants add nothing; once any line is, only mutants natural
        enough to compete with it are still worth their time."""
        if state.cancelled:
            return True
        planned = jobs_by_key[job.key]
        key = (planned.item.file, planned.item.line)
        with context.lock:
            if key in settled:
                return True
            tried, effective = context.tried.get(key, (0, 0))
            if tried >= INERT_AFTER and effective == 0:
                return True  # the failure does not depend on this line
            elapsed = state.elapsed()
            if elapsed > SOFT_BUDGET and settled:
                return True  # enough: a line is already confirmed by a fix
            if elapsed > LATE_BUDGET and planned.mutant.naturalness < CONCLUSIVE_NATURALNESS:
                return True
            return context.conclusive and planned.mutant.naturalness < CONCLUSIVE_NATURALNESS

    jobs_by_key: dict[str, Planned] = {}
    plan: list[Planned] = []
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
        planned = Planned(
            job=job, item=item, mutant=mutant, passing_run=len(pass_ids),
            context=context, evidence_list=evidence,
        )  # fmt: skip
        jobs_by_key[job.key] = planned
        plan.append(planned)
    for planned in plan:
        planned.future = pool.submit(planned.job, skip, state.deadline - BUDGET_RESERVE)
    return plan


def collect(state: RunState, plan: list[Planned]) -> None:
    if not plan:
        return
    futures = {p.future: p for p in plan if p.future is not None}
    done = ran = 0
    for future in as_completed(futures):
        done += 1
        state.progress("testing mutants", done / len(futures))
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
        state.experiments.append(
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
    if ran + skipped < len(plan) and time.monotonic() >= state.deadline - BUDGET_RESERVE:
        state.notes.append(
            f"budget reached: {ran} of {len(plan)} planned mutants were tried (raise --budget)"
        )


def cancel(state: RunState, plan: list[Planned]) -> None:
    """Drop speculative mutants: the ones not started are skipped, the running ones end."""
    if not plan:
        return
    state.cancelled = True
    for planned in plan:
        if planned.future is not None:
            planned.future.cancel()
    for planned in plan:
        if planned.future is not None and not planned.future.cancelled():
            planned.future.result()
    state.cancelled = False


def _wanted(mutant: Mutant, wants: set[str]) -> bool:
    return ("predicate" if mutant.operator == "predicate" else "perturbation") in wants


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


def _spread(items: list[str], limit: int) -> list[str]:
    """At most `limit` items, evenly spread over the list (deterministic)."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]
