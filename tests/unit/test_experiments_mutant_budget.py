"""How long localize's mutant phase may start mutants (experiments/mutant_runs.py): a fast suite's
whole run aims at FAST_RUN seconds, a slower one keeps the usual cap; and what a hang looks like to
the mutant verdicts and the crash lines (the same in every run, wherever its limit stopped it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dap_proxy.experiments import mutant_runs
from dap_proxy.experiments.baseline import line_evidence
from dap_proxy.experiments.localize_state import BUDGET_RESERVE, LocalizeOptions, LocalizeState
from dap_proxy.experiments.mutant_runs import (
    FAST_RUN,
    MIN_FAST_PASSING,
    MUTANT_PHASE_FLOOR,
    MUTANT_PHASE_MIN,
    MUTANT_PHASE_PER_PLAIN,
    _slow_passing,
    _without_slow,
    mutant_phase_end,
)
from dap_proxy.experiments.runners import RunAnswer, TestResult
from dap_proxy.experiments.spectra import spectra


def _state(plain: float, deadline_after: float = 1000.0) -> LocalizeState:
    state = LocalizeState(LocalizeOptions(command=["pytest"], cwd=Path(".")), None)
    state.started = 100.0
    state.plain_seconds = plain
    state.deadline = state.started + deadline_after
    return state


def test_a_sub_second_suite_stops_mutants_at_its_whole_run_target() -> None:
    state = _state(plain=0.6)
    assert mutant_phase_end(state, started=102.0) == pytest.approx(100.0 + FAST_RUN)


def test_a_fast_suite_whose_earlier_phases_ran_long_still_gets_some_mutants() -> None:
    state = _state(plain=0.6)
    assert mutant_phase_end(state, started=104.0) == pytest.approx(104.0 + MUTANT_PHASE_MIN)


def test_the_target_grows_with_the_square_of_a_longer_plain_run() -> None:
    state = _state(plain=1.5)
    assert mutant_phase_end(state, started=103.0) == pytest.approx(100.0 + FAST_RUN * 1.5**2)


def test_suites_of_a_few_seconds_or_more_keep_the_usual_cap() -> None:
    assert mutant_phase_end(_state(plain=3.0), started=110.0) == pytest.approx(
        110.0 + MUTANT_PHASE_FLOOR
    )
    assert mutant_phase_end(_state(plain=30.0), started=160.0) == pytest.approx(
        160.0 + MUTANT_PHASE_PER_PLAIN * 30.0
    )


def test_never_past_the_budget() -> None:
    state = _state(plain=30.0, deadline_after=120.0)
    assert mutant_phase_end(state, started=160.0) == pytest.approx(220.0 - BUDGET_RESERVE)


def _hang(line: int, limit: str) -> TestResult:
    return TestResult(
        nodeid="t::hangs",
        outcome="timeout",
        longrepr=f"TestTimeout: test ran longer than {limit} (treated as a hang)",
        frames=[("test_x.py", 3, False), ("x.py", line, True)],
        lines=[("x.py", 5), ("x.py", 6), ("x.py", 7)],
    )


def test_where_the_limit_stopped_a_hang_is_not_part_of_its_signature() -> None:
    assert _hang(6, "10s").signature() == _hang(7, "10s").signature()
    failed = TestResult(nodeid="t::f", outcome="failed", longrepr="E", frames=[("x.py", 6, True)])
    moved = failed.model_copy(update={"frames": [("x.py", 7, True)]})
    assert failed.signature() != moved.signature()  # a failure that moved did change


def test_a_hang_marks_no_line_as_the_failure_point() -> None:
    state = _state(plain=1.0)
    state.options.experiments = {"spectra"}  # no priors: no file is read
    failing = _hang(6, "10s")
    crashed = TestResult(
        nodeid="t::crash", outcome="failed", frames=[("x.py", 5, True)], lines=[("x.py", 5)]
    )
    results = [failing, crashed]
    table = spectra([(r.failed, r.lines) for r in results])
    distance = {e.line: e.crash_distance for e in line_evidence(state, table, results)}
    assert distance == {5: 0, 6: 99, 7: 99}


def _passed(name: str, seconds: float) -> TestResult:
    return TestResult(nodeid=name, outcome="passed", duration=seconds)


def test_a_slow_passing_test_is_left_out_when_enough_cheap_ones_run_the_line() -> None:
    passing = [_passed(f"t{i}", 0.001) for i in range(MIN_FAST_PASSING)] + [_passed("slow", 0.4)]
    slow = _slow_passing(passing)
    assert slow == {"slow"}
    ids = [r.nodeid for r in passing]
    assert _without_slow(ids, slow) == ids[:-1]
    few = ["t0", "slow"]  # too few cheap ones check the mutant: the slow one stays
    assert _without_slow(few, slow) == few


def test_a_suite_of_uniformly_slow_tests_has_no_slow_outliers() -> None:
    assert _slow_passing([_passed(f"t{i}", 0.5) for i in range(10)]) == set()


class _RecordingPool:
    """Answers every mutant job at once with the original outcomes (no effect), recording the
    deadline each was given; the mutant phase's own cap is already over."""

    def __init__(self) -> None:
        self.runners: list[object] = [object(), object()]
        self.deadlines: list[float | None] = []

    def submit(self, job, deadline=None):  # type: ignore[no-untyped-def]
        from concurrent.futures import Future

        self.deadlines.append(deadline)
        done: Future[RunAnswer | None] = Future()
        results = [
            TestResult(nodeid=i, outcome="failed" if "f" in i else "passed") for i in job.only
        ]
        done.set_result(RunAnswer(results=results))
        return done


def test_the_head_of_the_mutant_queue_runs_even_when_the_time_cap_is_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "x.py").write_text(
        "def f(a, b):\n    c = a + b\n    if c > 2:\n        c = c * 3 - 1\n    return c\n",
        encoding="utf-8",
    )
    state = LocalizeState(LocalizeOptions(command=["pytest"], cwd=tmp_path), None)
    lines = [("x.py", n) for n in (2, 3, 4, 5)]
    results = [
        TestResult(nodeid="t::f", outcome="failed", lines=lines),
        TestResult(nodeid="t::p", outcome="passed", lines=lines[:2]),
    ]
    evidence = line_evidence(state, spectra([(r.failed, r.lines) for r in results]), results)
    monkeypatch.setattr(mutant_runs, "mutant_phase_end", lambda state, started: 0.0)
    pool = _RecordingPool()
    mutant_runs.run_mutants(state, pool, evidence, results, fast=True)  # type: ignore[arg-type]
    assert len(pool.deadlines) >= mutant_runs.MIN_MUTANTS
    head = pool.deadlines[: mutant_runs.MIN_MUTANTS]
    assert all(d == state.deadline - BUDGET_RESERVE for d in head)
    assert all(d == 0.0 for d in pool.deadlines[mutant_runs.MIN_MUTANTS :])
