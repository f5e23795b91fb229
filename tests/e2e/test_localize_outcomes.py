"""End to end: tests that use threads, subprocesses, signals, a trace function or coverage of their
own, and unittest subTests (tests/data/localize/batch/, passing and failing ones of each kind)
keep the outcomes of a plain pytest run under localize. The plain run is pytest itself, run as the
user runs it; it is compared test by test with localize's own runs (its plain run, the traced
spectra runs, runs shaped like its mutant runs on the unmodified code, in the worker's live session
and not) and with the failing tests `smart-debug localize` reports. Both tracers: coverage's where
the interpreter has coverage, the stdlib one where coverage does not import."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dap_proxy.experiments.localize_state import LocalizeOptions, LocalizeState
from dap_proxy.experiments.mutant_runs import mutant_job, mutant_limits, prepare_sessions
from dap_proxy.experiments.runners import Pool, PytestRunner, RunAnswer
from dap_proxy.experiments.sandbox import make_scratch_root, remove_tree
from dap_proxy.experiments.spectra_runs import run_spectra
from dap_proxy.experiments.testcommand import parse_test_command

pytestmark = pytest.mark.e2e

CORPUS = Path(__file__).resolve().parents[1] / "data" / "localize" / "batch"
CODE = "batch.py"
PYTEST_TIMEOUT = 120.0  # seconds for the plain pytest run of the corpus (about 3 s)
LOCALIZE_TIMEOUT = 150.0  # one whole localize run (its own budget is lower)
BUDGET = "60"
# what decides the reported outcomes (the plain runs, their repetition, the spectra); the mutant
# runs are checked above, run for run
EXPERIMENTS = "spectra,static,repetition"
MUTANT_REPEATS = 1  # each mutant-shaped run once (in the live session and not)
# `FAILED <node id> - <message>` in pytest's short summary (-rA); SUBFAILED(params): one of a
# unittest test's subTests failed, so the test failed (pytest 9 lists the test itself as PASSED)
SUMMARY = re.compile(r"^(PASSED|FAILED|ERROR|SUBFAILED\S*) (\S+)", re.M)
# an interpreter where coverage does not import (localize's own coverage package is built for
# another Python, say): a virtualenv that sees this one's packages but a `coverage` of its own that
# fails; localize traces with sys.settrace there, and the corpus's own coverage tests skip
NO_COVERAGE = 'raise ImportError("coverage is not installed for this interpreter")\n'
VENV_TIMEOUT = 60.0

Outcomes = dict[str, bool]  # node id -> failed


class Project:
    def __init__(self, folder: Path, python: str, env: dict[str, str], tracer: str):
        self.folder = folder
        self.env = env
        self.tracer = tracer  # the tracer localize should pick for this interpreter
        self.command = [python, "-m", "pytest"]
        self.plain = _plain_outcomes(folder, python, env)


def _plain_outcomes(folder: Path, python: str, env: dict[str, str]) -> Outcomes:
    done = subprocess.run(
        [python, "-m", "pytest", "-rA", "-p", "no:cacheprovider"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=PYTEST_TIMEOUT,
        check=False,
    )
    found: Outcomes = {}
    for kind, nodeid in SUMMARY.findall(done.stdout):
        found[nodeid] = found.get(nodeid, False) or kind != "PASSED"
    assert found, done.stdout[-2000:]
    return found


@pytest.fixture(scope="module", params=["coverage", "settrace"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp(f"outcomes-{request.param}")
    folder = root / "batch"
    shutil.copytree(CORPUS, folder)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    python = sys.executable
    if request.param == "settrace":
        python = _without_coverage(root / "venv")
    return Project(folder, python, env, request.param)


def _without_coverage(venv: Path) -> str:
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=VENV_TIMEOUT
    )
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=VENV_TIMEOUT,
    ).stdout.strip()  # fmt: skip
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    # an import line: the site folder is added with its own .pth files (editable installs)
    (Path(site) / "ours.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n", encoding="utf-8"
    )
    (Path(site) / "coverage").mkdir()
    (Path(site) / "coverage" / "__init__.py").write_text(NO_COVERAGE, encoding="utf-8")
    return str(python)


@pytest.fixture
def pool(project: Project, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LocalizeState, Pool]]:
    """localize's own state and two warm workers over scratch copies of the project."""
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    options = LocalizeOptions(command=project.command, cwd=project.folder)
    state = LocalizeState(options, None)
    command = parse_test_command(project.command, project.folder)
    scratch = make_scratch_root()
    runners = [PytestRunner(command, project.folder, ".", scratch, n) for n in range(2)]
    workers = Pool(list(runners), state.deadline)
    try:
        for runner in runners:
            runner.start()
        yield state, workers
    finally:
        workers.close()
        for runner in runners:
            runner.stop()
        remove_tree(scratch)


def _outcomes(answer: RunAnswer | None) -> Outcomes:
    assert answer is not None and not answer.error and not answer.timed_out, answer
    return {r.nodeid: r.failed for r in answer.results if r.outcome != "skipped"}


def _differences(plain: Outcomes, seen: Outcomes) -> dict[str, tuple[bool | None, bool | None]]:
    return {
        k: (plain.get(k), seen.get(k))
        for k in plain.keys() | seen.keys()
        if plain.get(k) != seen.get(k)
    }


def test_the_corpus_fails_and_passes_in_every_kind_of_test(project: Project) -> None:
    """Each test file (threads, processes, signals, tracing, subTests) has tests of both outcomes,
    and the subTest failure shows as its test's failure, so the comparisons below mean something."""
    files = {nodeid.split("::")[0] for nodeid in project.plain}
    assert len(files) == 5
    for file in files:
        outcomes = {failed for nodeid, failed in project.plain.items() if nodeid.startswith(file)}
        assert outcomes == {True, False}, file
    assert project.plain["tests/test_subtests.py::ChunkTests::test_contents"] is True
    assert project.plain["tests/test_threads.py::test_thread_that_raises_is_reported"] is True


def test_plain_traced_and_mutant_runs_keep_every_outcome(
    project: Project, pool: tuple[LocalizeState, Pool]
) -> None:
    state, workers = pool
    full = workers.submit(state.plain_job("plain", fast=False)).result()
    assert _differences(project.plain, _outcomes(full)) == {}
    assert full is not None
    spectra = run_spectra(state, workers, full, fast=False)
    assert spectra.tracer == project.tracer
    assert spectra.unstable == [] and spectra.untraced == []
    traced = {r.nodeid: r.failed for r in spectra.results}
    assert _differences(project.plain, traced) == {}
    lines = {r.nodeid: r.lines for r in spectra.results}
    for nodeid, failed in project.plain.items():  # the failing tests ran the faulty function
        # (in this process, under no tracer of the test's own: a child process, or a test running
        # coverage itself, has lines localize does not see)
        if failed and not any(k in nodeid for k in ("thread_that_raises", "processes", "own_")):
            assert any(file == CODE and line for file, line in lines[nodeid]), nodeid
    results = spectra.results
    tests = [r for r in results if r.outcome != "skipped"]
    prepare_sessions(workers, results, [r.nodeid for r in tests])
    limits, hung_limit = mutant_limits(results)
    source = {CODE: (project.folder / CODE).read_text(encoding="utf-8")}  # a mutant that is not
    for session in (True, False):
        job = mutant_job("same", source, tests, limits, hung_limit, fast=False)
        job = job.model_copy(update={"session": session})
        for _ in range(MUTANT_REPEATS):
            answer = workers.submit(job).result()
            assert _differences(project.plain, _outcomes(answer)) == {}, f"session={session}"


def test_localize_reports_exactly_the_plain_failures(project: Project) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "localize", "--json", "--budget", BUDGET,
         "--experiments", EXPERIMENTS, "--",
         *project.command],
        cwd=project.folder,
        env=project.env,
        capture_output=True,
        text=True,
        timeout=LOCALIZE_TIMEOUT,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    outcomes = payload["outcomes"]
    assert outcomes["failed"] == sorted(k for k, failed in project.plain.items() if failed)
    assert outcomes["tests"] == len(project.plain)
    assert outcomes["unstable"] == []
    assert outcomes["tracer"] == project.tracer
    assert not [note for note in payload["notes"] if "implausible" in note]
    fault = next(
        n
        for n, text in enumerate((project.folder / CODE).read_text().splitlines(), 1)
        if "# @fault" in text
    )
    assert (CODE, fault) in [(s["file"], s["line"]) for s in payload["suggestions"]]
