"""Checks the fault-localization corpus (bench/localize/programs/): every program fails as it is
(some tests fail, some pass; only infinite-loop programs hang, only the race is intermittent) and
passes completely once the `fix` from its fault.json is applied. Issue 5; also the corpus loader
that bench/localize.py uses.

Usage: python bench/localize_verify.py [--only NAME[,NAME]] [--jobs N] [--race-runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

try:
    import rich  # noqa: F401  (checked here so a wrong interpreter fails before any work)
    from pydantic import BaseModel, Field, ValidationError
except ImportError as missing:
    sys.exit(
        f"error: {missing.name} is not installed for {sys.executable}; "
        "run this with the project's virtualenv, e.g. .venv/bin/python bench/localize.py"
    )

PROGRAMS_DIR = Path(__file__).resolve().parent / "localize" / "programs"

# A hanging test is cut by pytest-timeout after this many seconds; the whole pytest run by the
# outer limit (a program has at most a handful of hanging tests).
PER_TEST_TIMEOUT = 3.0
RUN_TIMEOUT = 120.0
DEFAULT_RACE_RUNS = 10
MIN_TESTS, MAX_TESTS = 5, 30

Kind = Literal[
    "wrong_comparison",
    "off_by_one",
    "wrong_variable",
    "wrong_arithmetic",
    "wrong_recursion",
    "missing_statement",
    "wrong_constant",
    "swapped_arguments",
    "infinite_loop",
    "exception_path",
    "race_condition",
]


class Fault(BaseModel):
    """fault.json: where the one fault of a program is and how to fix it."""

    file: str
    lines: list[int] = Field(min_length=1)
    kind: Kind
    fix: str
    missing_code: bool = False


class Program(BaseModel):
    name: str
    path: Path
    fault: Fault


class TestRun(BaseModel):
    """Outcome of one pytest run of a program, per test id."""

    passed: list[str] = []
    failed: list[str] = []
    timed_out: list[str] = []
    error: str | None = None

    @property
    def total(self) -> int:
        return len(self.passed) + len(self.failed) + len(self.timed_out)


class Verdict(BaseModel):
    name: str
    kind: str
    tests: int = 0
    failing: int = 0
    hanging: int = 0
    race_rate: str = ""
    problems: list[str] = []

    @property
    def ok(self) -> bool:
        return not self.problems


class CorpusError(Exception):
    """The corpus folder or a fault.json is unusable; the message says which and why."""


def load_corpus(only: list[str] | None = None) -> list[Program]:
    if not PROGRAMS_DIR.is_dir():
        raise CorpusError(f"no corpus at {PROGRAMS_DIR}")
    programs = []
    for folder in sorted(p for p in PROGRAMS_DIR.iterdir() if p.is_dir()):
        if only and folder.name not in only:
            continue
        fault_file = folder / "fault.json"
        if not fault_file.is_file():
            raise CorpusError(f"{folder.name}: missing fault.json")
        try:
            fault = Fault.model_validate_json(fault_file.read_text())
        except ValidationError as exc:
            raise CorpusError(f"{folder.name}: invalid fault.json: {exc}") from exc
        programs.append(Program(name=folder.name, path=folder, fault=fault))
    if only:
        unknown = sorted(set(only) - {p.name for p in programs})
        if unknown:
            known = ", ".join(p.name for p in load_corpus())
            raise CorpusError(f"unknown program(s) {', '.join(unknown)}; known: {known}")
    return programs


@contextmanager
def program_copy(program: Program) -> Iterator[Path]:
    """A throwaway copy of the program, so nothing ever writes into the corpus."""
    with tempfile.TemporaryDirectory(prefix=f"sd-{program.name}-") as tmp:
        dest = Path(tmp) / program.name
        shutil.copytree(
            program.path, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache")
        )
        yield dest


def apply_fix(folder: Path, fault: Fault) -> None:
    target = folder / fault.file
    lines = target.read_text().splitlines()
    fix_lines = fault.fix.splitlines()
    if fault.missing_code:
        after = fault.lines[0]
        lines[after:after] = fix_lines
    else:
        lines[fault.lines[0] - 1 : fault.lines[-1]] = fix_lines
    target.write_text("\n".join(lines) + "\n")


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_tests(folder: Path) -> TestRun:
    report = folder.parent / "junit.xml"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--timeout={PER_TEST_TIMEOUT}",
        f"--junitxml={report}",
        "tests",
    ]
    try:
        subprocess.run(
            cmd,
            cwd=folder,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return TestRun(error=f"pytest did not finish within {RUN_TIMEOUT:.0f} s")
    if not report.is_file():
        return TestRun(error="pytest wrote no report (collection error?)")
    run = TestRun()
    for case in ET.parse(report).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            run.passed.append(test_id)
        elif "Timeout" in (problem.get("message") or "") + (problem.text or "")[:2000]:
            run.timed_out.append(test_id)
        else:
            run.failed.append(test_id)
    return run


def check_static(program: Program, verdict: Verdict) -> None:
    fault = program.fault
    source = program.path / fault.file
    if not source.is_file():
        verdict.problems.append(f"fault file {fault.file} does not exist")
        return
    lines = source.read_text().splitlines()
    if any(not 1 <= n <= len(lines) for n in fault.lines):
        verdict.problems.append(f"fault lines {fault.lines} outside {fault.file}")
        return
    if not fault.missing_code and lines[fault.lines[0] - 1].strip() == fault.fix.strip():
        verdict.problems.append("fix is identical to the faulty line")
    if fault.missing_code and len(fault.lines) != 2:
        verdict.problems.append("missing_code needs lines = [line before, line after]")
    ini = program.path / "pytest.ini"
    if not ini.is_file() or ini.read_text().strip() != "[pytest]":
        verdict.problems.append("pytest.ini must contain just [pytest]")
    if not list((program.path / "tests").glob("test_*.py")):
        verdict.problems.append("no tests/test_*.py")


def verify(program: Program, race_runs: int) -> Verdict:
    verdict = Verdict(name=program.name, kind=program.fault.kind)
    check_static(program, verdict)
    if verdict.problems:
        return verdict
    is_race = program.fault.kind == "race_condition"
    with program_copy(program) as folder:
        broken = run_tests(folder)
    if broken.error:
        verdict.problems.append(f"as-is: {broken.error}")
        return verdict
    verdict.tests = broken.total
    verdict.failing = len(broken.failed)
    verdict.hanging = len(broken.timed_out)
    if not MIN_TESTS <= broken.total <= MAX_TESTS:
        verdict.problems.append(f"{broken.total} tests, want {MIN_TESTS}-{MAX_TESTS}")
    if not broken.passed:
        verdict.problems.append("no test passes as-is")
    if is_race:
        # One run proves little for an intermittent fault: measure its failure rate instead.
        verdict.race_rate = measure_race(program, race_runs, verdict)
    elif not (broken.failed or broken.timed_out):
        verdict.problems.append("no test fails as-is")
    if broken.timed_out and program.fault.kind != "infinite_loop":
        verdict.problems.append(f"tests hang: {', '.join(broken.timed_out)}")
    if program.fault.kind == "infinite_loop" and not broken.timed_out:
        verdict.problems.append("infinite_loop program has no hanging test")
    with program_copy(program) as folder:
        apply_fix(folder, program.fault)
        for _ in range(race_runs if is_race else 1):
            fixed = run_tests(folder)
            if fixed.error or fixed.failed or fixed.timed_out:
                bad = fixed.error or ", ".join(fixed.failed + fixed.timed_out)
                verdict.problems.append(f"still failing after the fix: {bad}")
                break
    return verdict


def measure_race(program: Program, race_runs: int, verdict: Verdict) -> str:
    """Failure rate of the intermittent program over plain runs. A rate near 20 % can give ten
    passes in a row, so when all runs agree it keeps going (up to 3x) before calling it wrong."""
    failures = runs = 0
    with program_copy(program) as folder:
        while runs < race_runs or (failures in (0, runs) and runs < 3 * race_runs):
            run = run_tests(folder)
            runs += 1
            if run.timed_out or run.error:
                verdict.problems.append(f"race program hangs or breaks: {run.error or 'timeout'}")
                break
            failures += bool(run.failed)
    if failures in (0, runs):
        verdict.problems.append(f"race failed {failures}/{runs} runs, want sometimes")
    return f"{failures}/{runs}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated program names")
    parser.add_argument("--jobs", type=int, default=2, help="programs checked in parallel")
    parser.add_argument("--race-runs", type=int, default=DEFAULT_RACE_RUNS)
    args = parser.parse_args(argv)
    only = [name for name in args.only.split(",") if name] if args.only else None
    try:
        programs = load_corpus(only)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from rich.console import Console
    from rich.table import Table

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        verdicts = list(pool.map(lambda p: verify(p, args.race_runs), programs))
    table = Table(title=f"fault-localization corpus: {len(verdicts)} programs")
    for column in ("program", "kind", "tests", "failing", "hanging", "race", "verdict"):
        table.add_column(column)
    for v in verdicts:
        table.add_row(
            v.name,
            v.kind,
            str(v.tests),
            str(v.failing),
            str(v.hanging),
            v.race_rate,
            "ok" if v.ok else "[red]" + "; ".join(v.problems) + "[/red]",
        )
    console = Console(width=150)
    console.print(table)
    bad = [v.name for v in verdicts if not v.ok]
    kinds = sorted({v.kind for v in verdicts})
    console.print(f"{len(verdicts) - len(bad)}/{len(verdicts)} ok; kinds: {', '.join(kinds)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
