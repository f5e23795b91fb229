"""Mutation phase of `smart-debug localize` (perturbation and predicate switching): for the most
suspicious lines (those the failing tests run and the passing tests rarely do: the spectrum and
static priors order them), generate mutants (small source changes, and conditions forced to
True/False), run each against only the tests that cover its line (the failing ones and a spread
of the passing ones) in the workers' scratch copies, and record per mutant how many failing tests
it fixed, changed or broke.

Deterministic: mutants run in waves, most promising first; what the next wave skips (a line
already confirmed by a natural fix, a line whose mutants change nothing, anything less natural
once a natural full fix is in) is decided only from the waves before it, in their rank order, so
two runs on the same program try the same mutants and rank the same. Only the time cap can cut a
run short, and never before the first MIN_MUTANTS: the phase gets MUTANT_PHASE_FLOOR seconds or
MUTANT_PHASE_PER_PLAIN x the plain run, and a suite of about a second no more than its whole
run's target (`mutant_phase_end`).
"""

from __future__ import annotations

import time

from dap_proxy.analysis.mutants import Mutant, mutants_for_lines
from dap_proxy.experiments.localize_state import BUDGET_RESERVE, LocalizeState
from dap_proxy.experiments.models import Experiment
from dap_proxy.experiments.runners import Job, Pool, PytestRunner, RunAnswer, TestResult
from dap_proxy.experiments.scoring import LineEvidence, MutantOutcome

MUTANT_FACTOR, MUTANT_FLOOR = 5.0, 0.1  # per test: plain duration x factor + floor (untraced)
HUNG_TEST_TIMEOUT = 0.1  # seconds (+10x a typical test) for a test that hung in the plain run
MUTANT_PHASE_FLOOR, MUTANT_PHASE_PER_PLAIN = 20.0, 2.0
# A suite of a second or less: the whole run aims at FAST_RUN seconds (mutants get what the plain
# runs and the spectra leave, at least MUTANT_PHASE_MIN); past a second that target grows with
# the square of the plain run, so a suite of about 2.4 s or more keeps the cap above. The run's
# target is 5 s: FAST_RUN leaves a second for what the state's clock does not see (the
# interpreter's start and imports) and what follows the phase (mutants already running, the
# ranking), 0.7-1.1 s measured on the real-library bench's sub-second suites.
FAST_RUN, MUTANT_PHASE_MIN = 4.0, 1.5
# The first MIN_MUTANTS mutants (the likeliest fixes) run whatever the time cap says, within
# the budget: cut by the clock, the head of the queue, and so the ranking, depended on how
# loaded the machine was; a fast suite's mutants cost little, a slower one's cap is far off.
MIN_MUTANTS = 16
MAX_CANDIDATE_LINES = 40  # lines tried with mutants, best first
MAX_MUTANTS = 400  # mutants planned in all (most are skipped once the evidence is conclusive)
INERT_AFTER = 5  # mutants of a line that changed no failing test before the line is dropped
CONCLUSIVE_NATURALNESS = 0.85  # a full fix this natural settles the question
SETTLING_NATURALNESS = 0.6  # a full fix at least this natural confirms its line
MAX_PASSING_PER_MUTANT = 25  # passing tests (that run the line) rerun with each mutant
# A passing test that took this many times the suite's median passing test (and at least
# SLOW_PASSING_FLOOR seconds) plainly is left out of the mutant runs when enough cheaper passing
# tests run the line: one slow test repeated with every mutant made most of the phase's cost.
SLOW_PASSING_FACTOR, SLOW_PASSING_FLOOR = 20.0, 0.05
MIN_FAST_PASSING = 5
WAVE_PER_WORKER = 4  # mutants per worker in one wave
MAX_SESSION_CHECK = 50  # passing tests run to check a worker's live session


class Planned:
    """One mutant, the line it is about and its job."""

    def __init__(self, job: Job, item: LineEvidence, mutant: Mutant, passing_run: int) -> None:
        self.job = job
        self.item = item
        self.mutant = mutant
        self.passing_run = passing_run

    @property
    def line(self) -> tuple[str, int]:
        return (self.item.file, self.item.line)


class _Verdicts:
    """What the waves so far decided: confirmed lines, inert lines, a conclusive fix."""

    def __init__(self) -> None:
        self.settled: set[tuple[str, int]] = set()
        self.conclusive = False
        self.tried: dict[tuple[str, int], tuple[int, int]] = {}  # line -> (mutants, effective)

    def skip(self, planned: Planned) -> bool:
        if planned.line in self.settled:
            return True  # its other mutants add nothing
        tried, effective = self.tried.get(planned.line, (0, 0))
        if tried >= INERT_AFTER and effective == 0:
            return True  # the failure does not depend on this line
        return self.conclusive and planned.mutant.naturalness < CONCLUSIVE_NATURALNESS

    def record(self, planned: Planned, outcome: MutantOutcome) -> None:
        tried, effective = self.tried.get(planned.line, (0, 0))
        self.tried[planned.line] = (tried + 1, effective + int(outcome.sensitivity > 0))
        if outcome.verdict == "fixed":
            if planned.mutant.naturalness >= SETTLING_NATURALNESS:
                self.settled.add(planned.line)
            if planned.mutant.naturalness >= CONCLUSIVE_NATURALNESS:
                self.conclusive = True


def mutant_limits(results: list[TestResult]) -> tuple[dict[str, float], float]:
    """Per-test limits for mutant runs from the plain durations, and the one for hung tests."""
    finished = [r.duration for r in results if r.outcome != "timeout"] or [1.0]
    typical = sorted(finished)[len(finished) // 2]
    limits = {r.nodeid: MUTANT_FACTOR * r.duration + MUTANT_FLOOR for r in results}
    return limits, HUNG_TEST_TIMEOUT + 10 * typical


def plan(state: LocalizeState, evidence: list[LineEvidence], results: list[TestResult],
         fast: bool) -> list[Planned]:  # fmt: skip
    """Every mutant worth trying, most promising first: how suspicious its line is times how
    plausible the change is (a top line's tenth mutant before a weak line's first), lines in
    rank order on ties."""
    options = state.options
    wants = options.experiments
    failing = [r for r in results if r.failed]
    passing = [r for r in results if r.outcome == "passed"]
    by_id = {r.nodeid: r for r in results}
    covers: dict[tuple[str, int], set[str]] = {}
    for r in results:
        for file, line in r.lines:
            covers.setdefault((file, line), set()).add(r.nodeid)
    limits, hung_limit = mutant_limits(results)
    slow = _slow_passing(passing)
    ordered = sorted(evidence, key=lambda e: (-e.base_score(), e.file, e.line))
    ordered = ordered[:MAX_CANDIDATE_LINES]
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
    top_base = max((item.base_score() for item in ordered), default=1.0) or 1.0
    ranked = sorted(
        (
            (-(item.base_score() / top_base) * mutant.naturalness, rank, index, item, mutant)
            for rank, item in enumerate(ordered)
            for index, mutant in enumerate(generated.get((item.file, item.line), []))
        ),
        key=lambda entry: entry[:3],
    )
    planned: list[Planned] = []
    for _, _, _, item, mutant in ranked[:MAX_MUTANTS]:
        covering = covers.get((item.file, item.line), set())
        fail_ids = [r.nodeid for r in failing if r.nodeid in covering]
        pass_ids = _spread(
            _without_slow([r.nodeid for r in passing if r.nodeid in covering], slow),
            MAX_PASSING_PER_MUTANT,
        )
        job = mutant_job(f"m{len(planned)}", {item.file: mutant.source},
                         [by_id[i] for i in fail_ids + pass_ids], limits, hung_limit, fast)  # fmt: skip
        planned.append(Planned(job=job, item=item, mutant=mutant, passing_run=len(pass_ids)))
    return planned


def mutant_job(key: str, files: dict[str, str], tests: list[TestResult], limits: dict[str, float],
               hung_limit: float, fast: bool) -> Job:  # fmt: skip
    """The run of one mutant (`files`: the mutated texts) on `tests`, untraced, each test bounded
    by its plain duration (`mutant_limits`), in the worker's live session where it reproduces."""
    timeouts = {r.nodeid: hung_limit if r.outcome == "timeout" else limits[r.nodeid] for r in tests}
    return Job(
        key=key,
        files=files,
        only=[r.nodeid for r in tests],
        timeout=max(timeouts.values(), default=MUTANT_FLOOR),
        timeouts=timeouts,
        trace=False,
        fast=fast,
        session=True,
        hard_timeout=sum(timeouts.values()) + 10.0,
    )


def prepare_sessions(pool: Pool, results: list[TestResult], wanted: list[str]) -> None:
    """What a worker's live session must reproduce before it serves mutants: the plain outcomes
    of the failing tests among `wanted` and of a spread of its passing ones (checking them all
    would cost a whole plain run per worker), with their mutant-run limits."""
    by_id = {r.nodeid: r for r in results}
    needed = [i for i in wanted if by_id[i].failed] + _spread(
        [i for i in wanted if not by_id[i].failed], MAX_SESSION_CHECK
    )
    limits, hung_limit = mutant_limits(results)
    for runner in pool.runners:
        if isinstance(runner, PytestRunner):
            runner.baseline = {i: by_id[i].failed for i in needed}
            runner.baseline_limits = {
                i: hung_limit if by_id[i].outcome == "timeout" else limits[i] for i in needed
            }


def run_mutants(state: LocalizeState, pool: Pool, evidence: list[LineEvidence],
                results: list[TestResult], fast: bool) -> None:  # fmt: skip
    """Plan, then run the mutants in waves; each line's outcomes land on its LineEvidence."""
    started = time.monotonic()
    state.progress("testing mutants", 0.0)
    queue = plan(state, evidence, results, fast)
    if not queue:
        return
    by_id = {r.nodeid: r for r in results}
    failing_total = sum(1 for r in results if r.failed)
    prepare_sessions(pool, results, sorted({i for p in queue for i in p.job.only or []}))
    phase_end = mutant_phase_end(state, started)
    verdicts = _Verdicts()
    wave_size = WAVE_PER_WORKER * max(1, len(pool.runners))
    ran = submitted = 0
    position = 0
    budget_end = state.deadline - BUDGET_RESERVE  # the head of the queue waits for no cap
    while position < len(queue) and (time.monotonic() < phase_end or submitted < MIN_MUTANTS):
        wave: list[Planned] = []
        while position < len(queue) and len(wave) < wave_size:
            candidate = queue[position]
            position += 1
            if not verdicts.skip(candidate):
                wave.append(candidate)
        futures = [
            pool.submit(p.job, deadline=budget_end if submitted + k < MIN_MUTANTS else phase_end)
            for k, p in enumerate(wave)
        ]
        submitted += len(wave)
        for planned, future in zip(wave, futures, strict=True):
            answer = future.result()
            if answer is None:
                continue
            ran += 1
            outcome = _outcome(planned.mutant, answer, by_id, failing_total, planned.passing_run)
            planned.item.outcomes.append(outcome)
            verdicts.record(planned, outcome)
            state.experiments.append(_experiment(planned, outcome, answer))
        state.progress("testing mutants", position / len(queue))
    if position < len(queue) and time.monotonic() >= phase_end:
        left = sum(1 for p in queue[position:] if not verdicts.skip(p))
        if left:
            state.notes.append(
                f"time cap reached: {ran} mutants were tried, {left} more were planned "
                "(raise --budget)"
            )
    state.phase("mutants", started)


def mutant_phase_end(state: LocalizeState, started: float) -> float:
    """When the mutant phase (begun at `started`) stops starting mutants: MUTANT_PHASE_FLOOR
    seconds or MUTANT_PHASE_PER_PLAIN x the plain run, and for a fast suite no later than its
    whole-run target (FAST_RUN); never past the budget."""
    plain = state.plain_seconds
    usual = started + max(MUTANT_PHASE_FLOOR, MUTANT_PHASE_PER_PLAIN * plain)
    fast = state.started + FAST_RUN * max(1.0, plain) ** 2
    return min(state.deadline - BUDGET_RESERVE, usual, max(started + MUTANT_PHASE_MIN, fast))


def _experiment(planned: Planned, outcome: MutantOutcome, answer: RunAnswer) -> Experiment:
    mutant = planned.mutant
    return Experiment(
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


def _slow_passing(passing: list[TestResult]) -> set[str]:
    """The passing tests far slower than the suite's typical one (SLOW_PASSING_FACTOR x its
    median, at least SLOW_PASSING_FLOOR seconds). The threshold sits far from the typical test,
    so run-to-run noise in the durations hardly ever moves a test across it."""
    if not passing:
        return set()
    durations = sorted(r.duration for r in passing)
    limit = max(SLOW_PASSING_FLOOR, SLOW_PASSING_FACTOR * durations[len(durations) // 2])
    return {r.nodeid for r in passing if r.duration > limit}


def _without_slow(ids: list[str], slow: set[str]) -> list[str]:
    """`ids` without the slow ones when at least MIN_FAST_PASSING others run the line (they
    check that the mutant breaks nothing); a line that only slow tests run keeps them."""
    fast = [i for i in ids if i not in slow]
    return fast if len(fast) >= MIN_FAST_PASSING else ids


def _spread(items: list[str], limit: int) -> list[str]:
    """At most `limit` items, evenly spread over the list (deterministic)."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]
