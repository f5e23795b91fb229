"""Spectra phase of `smart-debug localize`: per-test line coverage, measured after the plain run
and never allowed to change what failed.

What is traced: the tests that failed plainly (every line of the project's code), then the tests
that passed, only over the files the failing tests ran (the suspect files: a line no failing test
ran is never ranked, so the passing tests' other lines do not matter), split over both workers;
not a passing test that alone took a large share of the suite's time. Each traced test may take `run_state.traced_limit` of its plain duration. A test whose traced
outcome differs from its plain one is "unstable under instrumentation": reported, and left out of
the spectra. A traced run that is implausible (the worker died, the run was cut, every test
failed where the plain run had passing ones, collection errors the plain run did not have) is
retried once, then dropped with a note; it never feeds the ranking.
"""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from dap_proxy.experiments.baseline import prepared
from dap_proxy.experiments.localize_state import (
    BUDGET_RESERVE,
    TRACE_FLOOR,
    LocalizeState,
    traced_limit,
)
from dap_proxy.experiments.models import Experiment
from dap_proxy.experiments.runners import Job, Pool, RunAnswer, TestResult

JOB_SLACK = 10.0  # seconds a traced job may take beyond the sum of its tests' limits
# A passing test that took more than this share of all the passing tests' plain time (and at least
# DOMINANT_SECONDS) is not traced: tracing it would cost more than the rest of the suite together,
# for one passing spectrum out of many (its lines count as not run by it).
DOMINANT_SHARE, DOMINANT_SECONDS = 0.25, 3.0


class Spectra(BaseModel):
    """Per-test coverage of the stable tests, with their plain outcomes."""

    results: list[TestResult] = Field(default_factory=list)
    unstable: list[str] = Field(default_factory=list)  # node ids left out
    untraced: list[str] = Field(default_factory=list)  # no traced run answered for them
    tracer: str | None = None


def implausible(answer: RunAnswer | None, reference: RunAnswer) -> str | None:
    """Why a run's outcomes cannot be believed (None: they can)."""
    if answer is None:
        return "it was not run (the budget ran out)"
    if answer.error:
        return f"the test worker died ({answer.error.strip().splitlines()[0][:120]})"
    if answer.timed_out:
        return "it did not finish in time"
    if answer.collect_errors and not reference.collect_errors:
        return f"{len(answer.collect_errors)} collection errors the plain run did not have"
    plain = {r.nodeid: r for r in reference.results}
    ran = [r for r in answer.results if r.nodeid in plain and r.outcome != "skipped"]
    passed_plainly = [r for r in ran if plain[r.nodeid].outcome == "passed"]
    if len(ran) > 1 and passed_plainly and all(r.failed for r in ran):
        return f"every one of its {len(ran)} tests failed"
    if not answer.results and reference.results:
        return "no test ran"
    return None


def _job(state: LocalizeState, key: str, tests: list[TestResult], fast: bool,
         files: list[str] | None) -> Job:  # fmt: skip
    limits = {r.nodeid: traced_limit(r.duration, r.outcome) for r in tests}
    budget = max(1.0, state.left() - BUDGET_RESERVE)
    return Job(
        key=key,
        only=[r.nodeid for r in tests] if state.is_pytest else None,
        timeout=max(limits.values(), default=TRACE_FLOOR),
        timeouts=limits,
        hard_timeout=min(budget, sum(limits.values()) + JOB_SLACK),
        trace=True,
        trace_files=files,
        fast=fast,
    )


def _traced(state: LocalizeState, pool: Pool, jobs: list[Job], plain: RunAnswer) -> list[RunAnswer]:
    """Run the jobs (in parallel), retry an implausible one once, drop it if it stays so."""
    futures = [pool.submit(job) for job in jobs]
    answers: list[RunAnswer] = []
    for job, future in zip(jobs, futures, strict=True):
        answer = prepared(state, future.result())
        why = implausible(answer, plain)
        if why is not None:
            answer = prepared(
                state, pool.submit(job.model_copy(update={"key": job.key + "-again"})).result()
            )
            why_again = implausible(answer, plain)
            if why_again is not None:
                state.notes.append(
                    f"a traced run was implausible twice ({why}; then {why_again}): its "
                    f"{len(job.only or [])} tests have no spectra"
                )
                continue
        if answer is not None:
            answers.append(answer)
    return answers


def run_spectra(
    state: LocalizeState, pool: Pool, plain: RunAnswer, fast: bool, intermittent: bool = False
) -> Spectra:
    """Trace the tests of `plain` (the reference run). With `intermittent` (the plain runs
    already disagree: a race), a traced test that passes where it failed is the race not
    showing, not instrumentation: its lines are kept."""
    started = time.monotonic()
    state.progress("tracing the tests (per-test coverage)", 0.0)
    ran = [r for r in plain.results if r.outcome != "skipped"]
    failing = [r for r in ran if r.failed]
    passing = [r for r in ran if not r.failed]
    dominant = dominating(passing)
    passing = [r for r in passing if r.nodeid not in dominant]
    answers = _traced(state, pool, [_job(state, "spectra-failing", failing, fast, None)], plain)
    traced: dict[str, TestResult] = {r.nodeid: r for a in answers for r in a.results}
    suspect = sorted(
        {file for r in failing for file, _ in traced.get(r.nodeid, r).lines}
        | {file for r in failing for file, _, own in r.frames if own}
    )
    state.progress("tracing the tests (per-test coverage)", 0.3)
    if passing and suspect and state.is_pytest:
        shares = max(1, min(len(pool.runners), len(passing)))
        chunks = [passing[i::shares] for i in range(shares)]
        jobs = [_job(state, f"spectra-passing-{i}", c, fast, suspect) for i, c in enumerate(chunks)]
        more = _traced(state, pool, jobs, plain)
        answers += more
        traced.update({r.nodeid: r for a in more for r in a.results})
    spectra = Spectra(tracer=next((a.tracer for a in answers if a.tracer), None))
    for result in ran:
        seen = traced.get(result.nodeid)
        if seen is None:
            spectra.untraced.append(result.nodeid)
        elif seen.failed != result.failed and not intermittent:
            spectra.unstable.append(result.nodeid)
        else:
            spectra.results.append(result.model_copy(update={"lines": seen.lines}))
    if dominant:
        state.notes.append(
            f"{len(dominant)} passing tests were not traced: each took more than "
            f"{DOMINANT_SHARE:.0%} of the passing tests' plain time ({', '.join(sorted(dominant)[:3])})"
        )
    state.experiments.append(
        Experiment(
            kind="spectra",
            description=(
                f"per-test line coverage ({spectra.tracer or 'no tracer'}) of "
                f"{len(failing)} failing and {len(passing)} passing tests"
            ),
            tests_run=sum(len(a.results) for a in answers),
            outcome=f"{len(spectra.unstable)} unstable under instrumentation",
            seconds=round(sum(a.seconds for a in answers), 3),
        )
    )
    if spectra.unstable:
        shown = ", ".join(spectra.unstable[:3]) + (" ..." if len(spectra.unstable) > 3 else "")
        state.notes.append(
            f"{len(spectra.unstable)} tests unstable under instrumentation (their outcome changes "
            f"when traced), left out of the spectra: {shown}"
        )
    state.phase("spectra", started)
    return spectra


def dominating(passing: list[TestResult]) -> set[str]:
    """The passing tests that each cost a large share of the passing tests' plain run."""
    total = sum(r.duration for r in passing)
    return {
        r.nodeid
        for r in passing
        if r.duration >= DOMINANT_SECONDS and r.duration > DOMINANT_SHARE * total
    }
