"""Which plain-run outcomes localize believes (experiments/baseline.py, spectra_runs.py): a test
past the per-test limit in one plain run that finished in the other is slow, not hanging; a passing
test that alone took most of the suite's time is not traced."""

from __future__ import annotations

from dap_proxy.experiments.baseline import finished_elsewhere, keep_finished
from dap_proxy.experiments.runners import RunAnswer, TestResult
from dap_proxy.experiments.spectra_runs import dominating


def _answer(*results: tuple[str, str, float]) -> RunAnswer:
    return RunAnswer(
        results=[TestResult(nodeid=n, outcome=o, duration=d) for n, o, d in results]  # type: ignore[arg-type]
    )


def test_a_test_that_finished_in_the_other_plain_run_keeps_that_outcome() -> None:
    first = _answer(
        ("t::slow", "timeout", 10.0), ("t::hang", "timeout", 10.0), ("t::a", "failed", 0.1)
    )
    second = _answer(
        ("t::slow", "passed", 8.0), ("t::hang", "timeout", 10.0), ("t::a", "passed", 0.1)
    )
    finished = finished_elsewhere([first, second])
    assert set(finished) == {"t::slow"} and finished["t::slow"].duration == 8.0
    keep_finished([first, second], finished)
    assert [r.outcome for r in first.results] == ["passed", "timeout", "failed"]
    assert [r.outcome for r in second.results] == ["passed", "timeout", "passed"]


def test_no_timeout_finishes_nowhere() -> None:
    answer = _answer(("t::a", "failed", 0.1), ("t::b", "passed", 0.2))
    assert finished_elsewhere([answer, answer]) == {}


def test_only_a_passing_test_that_dominates_the_suite_is_left_untraced() -> None:
    passing = [
        TestResult(nodeid="t::primes", outcome="passed", duration=7.0),
        *(TestResult(nodeid=f"t::{i}", outcome="passed", duration=0.2) for i in range(20)),
    ]
    assert dominating(passing) == {"t::primes"}
    even = [TestResult(nodeid=f"t::{i}", outcome="passed", duration=4.0) for i in range(5)]
    assert dominating(even) == set()  # slow tests, none of them most of the time
    small = [TestResult(nodeid="t::x", outcome="passed", duration=2.0)]
    assert dominating(small) == set()  # a short suite is traced whole
