"""Static priors and module-level data flow (analysis/line_priors.py, experiments/moduleflow.py)."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.analysis.line_priors import line_priors
from dap_proxy.experiments.moduleflow import augment
from dap_proxy.experiments.runners import TestResult

SOURCE = """import threading

LIMIT = 3


def pick(items, i):
    size = len(items)
    index = i + 1
    if index >= size:
        raise IndexError(index)
    threading.Lock().acquire()
    return items[index]
"""


def test_kinds_of_lines() -> None:
    priors = line_priors(SOURCE)
    assert "decision" in priors[9].tags
    assert "arithmetic" in priors[8].tags
    assert priors[10].prior < priors[9].prior  # a raise reports the problem
    assert priors[11].concurrency == 1.0  # a lock made and dropped: never shared
    assert priors[12].names == ["index", "items"]


def test_backward_slice_of_the_crash_line_is_boosted() -> None:
    plain = line_priors(SOURCE)
    sliced = line_priors(SOURCE, crash_lines={12})
    assert sliced[8].prior > plain[8].prior and "backward slice of the failure" in sliced[8].tags
    assert sliced[7].prior == plain[7].prior  # `size` does not flow into line 12


def test_module_constants_count_as_run_by_tests_that_read_them(tmp_path: Path) -> None:
    (tmp_path / "lim.py").write_text(
        "LIMIT = 3\nTABLE = {\n  'a': 1,\n}\n\ndef f():\n    return LIMIT\n"
    )
    reads, other = (
        TestResult(nodeid="t1", outcome="failed", lines=[("lim.py", 7)]),
        TestResult(nodeid="t2", outcome="passed", lines=[]),
    )
    augment([reads, other], tmp_path)
    assert ("lim.py", 1) in reads.lines and ("lim.py", 2) not in reads.lines
    assert other.lines == []


def test_experiments_are_recorded_when_the_store_exists(tmp_path: Path) -> None:
    from dap_proxy.evidence.store import Store
    from dap_proxy.experiments.models import Experiment, LocalizeReport
    from dap_proxy.experiments.recording import record

    report = LocalizeReport(
        suggestions=[],
        command="pytest",
        experiments=[
            Experiment(kind="perturbation", description="line 3: `<` -> `<=`", outcome="fixed")
        ],
    )
    assert record(tmp_path, report) is None  # no .smart-debug/: nothing is created
    assert not (tmp_path / ".smart-debug").exists()
    (tmp_path / ".smart-debug").mkdir()
    session = record(tmp_path, report)
    assert session is not None
    with Store.open(tmp_path) as store:
        stored = store.experiments(session)
    assert [(e.kind, e.outcome) for e in stored] == [("perturbation", "fixed")]
