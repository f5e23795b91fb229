"""Repetition phase of `smart-debug localize`: run the whole command several more times in
parallel to expose (and measure) an intermittent failure, and describe each test's failure rate.
"""

from __future__ import annotations

from dap_proxy.experiments.baseline import prepared
from dap_proxy.experiments.localize_state import LocalizeState
from dap_proxy.experiments.models import Experiment
from dap_proxy.experiments.runners import Pool, RunAnswer

REPEAT_RUNS = 4  # extra runs when the first two disagree (intermittent failure)


def repeat(
    state: LocalizeState, pool: Pool, described: str, fast: bool = False, runs: int = REPEAT_RUNS
) -> list[RunAnswer]:
    jobs = [state.plain_job(f"repeat-{i}", fast=fast) for i in range(runs)]
    state.progress("repeating the tests (intermittent failure)", 0.0)
    answers: list[RunAnswer] = []
    for _job, answer in pool.map(jobs):
        if answer.results:
            answers.append(prepared(state, answer))  # type: ignore[arg-type]
        state.progress("repeating the tests (intermittent failure)", len(answers) / len(jobs))
    state.experiments.append(
        Experiment(
            kind="repetition",
            description=f"{len(answers)} more runs of `{described}` in parallel",
            tests_run=sum(len(a.results) for a in answers),
            outcome="failure rates recorded",
            seconds=round(sum(a.seconds for a in answers), 3),
        )
    )
    return answers


def flaky_notes(runs: list[RunAnswer]) -> list[str]:
    """One note per test that failed in some runs and passed in others."""
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
