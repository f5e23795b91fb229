"""End to end: `smart-debug localize` on small programs with real bugs (tests/data/localize/),
run as the user would, in a copy of each program so the check that nothing changed is real."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dap_proxy.hypotheses.models import MIN_OTHER, EvidenceSource, Hypothesis, HypothesisStatus

pytestmark = pytest.mark.e2e

PROGRAMS = Path(__file__).resolve().parents[1] / "data" / "localize"
LOCALIZE_TIMEOUT = 110.0  # seconds for one whole localize run (its own budget is lower)
BUDGET = "40"


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(PROGRAMS / name, target)
    return target


def _fault_line(folder: Path, file: str) -> int:
    for number, line in enumerate((folder / file).read_text().splitlines(), start=1):
        if "# @fault" in line:
            return number
    raise AssertionError(f"no @fault marker in {file}")


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _localize(
    folder: Path, *args: str, hash_seed: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    if hash_seed is not None:  # also the test workers' (they inherit it)
        env["PYTHONHASHSEED"] = hash_seed
    return subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "localize", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=LOCALIZE_TIMEOUT,
        env=env,
    )


def _ranked_lines(payload: dict, file: str) -> list[int]:
    return [s["line"] for s in payload["suggestions"] if s["file"] == file]


def test_off_by_one_comparison_is_first_and_user_files_are_untouched(tmp_path: Path) -> None:
    folder = _copy("cart", tmp_path)
    before = _tree_digest(folder)
    done = _localize(folder, "--json", "--budget", BUDGET, "--", sys.executable, "-m", "pytest")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    fault = _fault_line(folder, "cart.py")
    assert _ranked_lines(payload, "cart.py")[:3].count(fault) == 1
    assert payload["suggestions"][0]["line"] == fault
    assert "hypothesis" in payload["suggestions"][0]  # the fixing mutant is the fix hint
    assert _tree_digest(folder) == before  # no file changed, none added (no __pycache__ either)
    _check_hypotheses(payload, "cart.py", fault)


def _check_hypotheses(payload: dict, file: str, fault: int) -> None:
    """The reported hypotheses are the shared model, coherent, and the first one is the fault,
    supported by the experiment that fixed it."""
    hypotheses = [Hypothesis.model_validate(h) for h in payload["hypotheses"]]
    assert [h.id for h in hypotheses] == [f"H{i + 1}" for i in range(len(hypotheses))]
    assert len(hypotheses) == len(payload["suggestions"])
    assert all(0 <= h.probability <= 100 for h in hypotheses)
    assert sum(h.probability for h in hypotheses) <= 100 - MIN_OTHER
    other = payload["other_probability"]  # the explicit remainder of the documented rule
    assert other >= MIN_OTHER and other == pytest.approx(
        100 - sum(h.probability for h in hypotheses), abs=0.1
    )
    first = hypotheses[0]
    assert (first.locations[0].file, first.locations[0].line) == (file, fault)
    assert first.status == HypothesisStatus.CONFIRMED
    assert first.probability == max(h.probability for h in hypotheses)
    assert any(e.source == EvidenceSource.EXPERIMENT for e in first.supporting_evidence)
    assert first.falsification_criteria and first.testing_approach


def test_json_matches_the_contract(tmp_path: Path) -> None:
    folder = _copy("stats", tmp_path)
    done = _localize(
        folder, "--json", "--top", "4", "--budget", BUDGET, "--", sys.executable, "-m", "pytest"
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {"suggestions", "hypotheses", "experiments"} <= payload.keys()
    suggestions = payload["suggestions"]
    assert 1 <= len(suggestions) <= 4
    keys = {"file", "line", "score", "kind", "condition", "log_message", "reason", "hypothesis"}
    for s in suggestions:
        assert set(s) <= keys and {"file", "line", "score", "kind", "reason"} <= set(s)
        assert s["kind"] in ("breakpoint", "logpoint", "conditional", "hit_count")
        assert isinstance(s["line"], int) and s["line"] >= 1
        assert not s["file"].startswith(("/", "tests/"))  # project code, relative to cwd
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert len({(s["file"], s["line"]) for s in suggestions}) == len(suggestions)
    assert _fault_line(folder, "stats.py") in _ranked_lines(payload, "stats.py")[:3]
    assert any(e["kind"] == "perturbation" for e in payload["experiments"])


def test_hanging_tests_count_as_failures(tmp_path: Path) -> None:
    folder = _copy("search", tmp_path)
    done = _localize(folder, "--json", "--budget", BUDGET, "--", sys.executable, "-m", "pytest")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    first_run = payload["experiments"][0]
    assert first_run["description"].startswith("plain run 1") and first_run["outcome"].startswith(
        "2 of 6"
    )
    # the plain run decided what fails; tracing changed no outcome
    assert payload["outcomes"]["tests"] == 6 and len(payload["outcomes"]["failed"]) == 2
    assert payload["outcomes"]["unstable"] == []
    assert _fault_line(folder, "search.py") in _ranked_lines(payload, "search.py")[:3]


def test_plain_ochiai_baseline(tmp_path: Path) -> None:
    folder = _copy("cart", tmp_path)
    done = _localize(
        folder, "--json", "--experiments", "spectra", "--", sys.executable, "-m", "pytest"
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert not any(e["kind"] == "perturbation" for e in payload["experiments"])
    assert payload["hypotheses"] == []
    # Ochiai of the line both failing tests and only 2 of 6 passing tests run
    scores = {s["line"]: s["score"] for s in payload["suggestions"]}
    fault = _fault_line(folder, "cart.py")
    assert scores[fault] == pytest.approx(2 / (2 * 7) ** 0.5, abs=1e-3)


def test_two_runs_rank_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """The ranking depends on the evidence only: not on the order of a set of strings (hash
    seeds differ between the runs), nor on how long the mutants took."""
    rankings = []
    for seed in ("1", "2"):
        folder = _copy("stats", tmp_path / seed)
        done = _localize(
            folder, "--json", "--budget", BUDGET, "--", sys.executable, "-m", "pytest",
            hash_seed=seed,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        suggestions = json.loads(done.stdout)["suggestions"]
        rankings.append([(s["file"], s["line"], s["score"]) for s in suggestions])
    assert rankings[0] == rankings[1]
    assert len(rankings[0]) > 3  # a ranking of several lines, not one obvious line


def test_a_non_pytest_command_is_one_test(tmp_path: Path) -> None:
    folder = _copy("script", tmp_path)
    before = _tree_digest(folder)
    done = _localize(folder, "--json", "--budget", BUDGET, "--", sys.executable, "check.py")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["experiments"][0]["tests_run"] == 1
    fault = _fault_line(folder, "wordcount.py")
    assert fault in _ranked_lines(payload, "wordcount.py")[:3]
    assert _tree_digest(folder) == before


def test_exit_3_when_nothing_fails(tmp_path: Path) -> None:
    folder = _copy("cart", tmp_path)
    source = folder / "cart.py"
    source.write_text(source.read_text().replace("total > 100:", "total >= 100:"))
    done = _localize(folder, "--json", "--", sys.executable, "-m", "pytest")
    assert done.returncode == 3
    assert "never failed" in done.stderr
    assert done.stdout == ""


def test_exit_2_on_bad_usage(tmp_path: Path) -> None:
    folder = _copy("cart", tmp_path)
    missing = _localize(folder, "--", "no-such-test-runner-xyz", "tests")
    assert missing.returncode == 2
    assert "not found" in missing.stderr and "Traceback" not in missing.stderr
    nothing = _localize(folder)
    assert nothing.returncode == 2 and "no test command" in nothing.stderr
    bad_list = _localize(folder, "--experiments", "spectra,magic", "--", "pytest")
    assert bad_list.returncode == 2 and "magic" in bad_list.stderr


def test_a_project_that_does_not_import_points_at_the_error(tmp_path: Path) -> None:
    folder = _copy("cart", tmp_path)
    source = folder / "cart.py"
    lines = source.read_text().splitlines()
    broken = next(i for i, text in enumerate(lines) if "def subtotal" in text)
    lines[broken] = lines[broken].replace("(self):", "(self)")  # a syntax error
    source.write_text("\n".join(lines) + "\n")
    done = _localize(folder, "--json", "--", sys.executable, "-m", "pytest")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["suggestions"][0] == {
        "file": "cart.py",
        "line": broken + 1,
        "score": 1.0,
        "kind": "breakpoint",
        "reason": "the tests could not be imported; the collection error points here",
    }


RACE_CODE = """def total(values):
    return sum(values)
"""
# fails in the first two runs of the suite (localize's two plain runs), passes from then on: an
# intermittent failure that only the reruns of the failing test show; every run appends a byte
# to a file outside the scratch copies (appends are atomic, so concurrent runs count right)
RACE_TEST = """import os

from calc import total

RUNS = {runs!r}


def test_total_of_three():
    with open(RUNS, "a") as handle:
        handle.write("x")
    assert total([1, 2, 3]) == 6
    assert os.path.getsize(RUNS) > 2


def test_empty():
    assert total([]) == 0
"""


def test_a_failure_only_the_reruns_show_passing_is_read_as_intermittent(tmp_path: Path) -> None:
    # the reruns of the failing test run next to the spectra; when one passes, the spectra are
    # taken again as an intermittent failure's, and no mutant is tried
    folder = tmp_path / "race"
    folder.mkdir()
    (folder / "calc.py").write_text(RACE_CODE)
    (folder / "test_calc.py").write_text(RACE_TEST.format(runs=str(tmp_path / "runs.txt")))
    done = _localize(folder, "--json", "--budget", BUDGET, "--", sys.executable, "-m", "pytest")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert "intermittent failure: mutants were not tried (outcomes vary)" in payload["notes"]
    assert any(
        n.startswith("intermittent: test_calc.py::test_total_of_three") for n in payload["notes"]
    )
    kinds = [e["kind"] for e in payload["experiments"]]
    assert kinds.count("spectra") == 1 and "perturbation" not in kinds
    assert payload["outcomes"]["failed"] == ["test_calc.py::test_total_of_three"]
