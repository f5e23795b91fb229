"""Fault localization on real libraries: for each library of bench/localize_real/corpus.json,
install its sdist from PyPI into a scratch virtualenv (pytest and pytest-timeout only: the user's
own environment, nothing of ours), inject each single-line fault in a copy, and run side by side
in one run: the test command plainly, `smart-debug localize`, and its plain Ochiai baseline
(`--experiments spectra`). Prints Top-1/3/5/10 for both, outcome mismatches (the tests localize
counted as failing vs the plain run's; must be 0), wall time / plain test time, and localize's
phase times.

Targets: faulty line in the top 3 for >= 80% of faults and first for >= 50%; 0 mismatches;
suites of >= 5 s plainly: localize wall <= 5x plain (median) and spectra phase <= 2x; sub-second
suites: localize done in <= 5 s.

The virtualenv and the downloaded sdists are kept in SMART_DEBUG_BENCH_CACHE (default
~/.cache/smart-debug-bench) so a second run starts at once.

Usage: python bench/localize_real.py [--only ID[,ID]] [--json] [--src DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from pydantic import BaseModel, Field

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "localize_real" / "corpus.json"
CACHE = Path(os.environ.get("SMART_DEBUG_BENCH_CACHE", Path.home() / ".cache/smart-debug-bench"))
# The bench's own plain run cuts a hanging test after this many seconds (localize's default for
# its plain run, so both sides pay the same for a hang).
PLAIN_TEST_TIMEOUT = 10.0
RUN_LIMIT = 600.0  # seconds for one command before the bench gives up on it
TOPS = (1, 3, 5, 10)
SIDES = ("localize", "ochiai")
SIDE_ARGS = {"localize": [], "ochiai": ["--experiments", "spectra"]}
TOP3_TARGET, TOP1_TARGET = 80.0, 50.0
SLOW_SUITE, RATIO_TARGET, SPECTRA_TARGET = 5.0, 5.0, 2.0
FAST_SUITE, FAST_TARGET = 1.0, 5.0
# a failure line of pytest's short summary: `FAILED <node id> - <message>`
SUMMARY_FAILURE = re.compile(r"^(FAILED|ERROR|SUBFAIL(?:ED)?\S*) (.+?)(?: - .*)?$", re.M)


class Fault(BaseModel):
    id: str
    file: str
    line: int
    original: str
    faulty: str
    kind: str
    in_method: bool = False
    tests: list[str]


class Library(BaseModel):
    name: str
    requirement: str
    folder: str  # the sdist's top folder
    pythonpath: str | None = None  # src layout: the folder the package imports from
    faults: list[Fault]


class Corpus(BaseModel):
    libraries: list[Library]


class Plain(BaseModel):
    seconds: float
    failed: list[str] = Field(default_factory=list)
    summary: str = ""


class Side(BaseModel):
    rank: int | None = None
    seconds: float = 0.0
    failed: list[str] | None = None  # the tests localize counted as failing, when it says
    failing_count: int | None = None
    phases: dict[str, float] = Field(default_factory=dict)
    error: str | None = None


class Result(BaseModel):
    library: str
    fault: Fault
    plain: Plain
    sides: dict[str, Side]

    def mismatches(self) -> int | None:
        side = self.sides["localize"]
        if side.error:
            return None
        if side.failed is not None:
            return len(set(side.failed) ^ set(self.plain.failed))
        if side.failing_count is not None:
            return abs(side.failing_count - len(self.plain.failed))
        return None


def run(cmd: list[str], cwd: Path, env: dict[str, str], limit: float = RUN_LIMIT):
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=limit, check=False
    )


def venv_python() -> Path:
    """A scratch virtualenv with pytest (and pytest-timeout for the bench's own plain run)."""
    venv = CACHE / "venv"
    python = venv / "bin" / "python"
    stamp = venv / ".ready"
    if not stamp.exists():
        shutil.rmtree(venv, ignore_errors=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "pytest>=8", "pytest-timeout"],
            check=True,
        )
        stamp.touch()
    return python


def library_source(library: Library, python: Path) -> Path:
    """The library's sdist from PyPI, unpacked once into the cache."""
    target = CACHE / "src" / library.folder
    if target.is_dir():
        return target
    downloads = CACHE / "sdists"
    downloads.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(python), "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "--dest", str(downloads), library.requirement],
        check=True,
    )  # fmt: skip
    name, _, version = library.requirement.partition("==")
    stems = {name.replace("-", "_").lower(), name.lower()}
    archive = next(
        p
        for p in sorted(downloads.iterdir())
        if p.name.lower().startswith(tuple(f"{s}-{version}" for s in stems))
    )
    unpacked = Path(tempfile.mkdtemp(dir=CACHE))
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(unpacked)
    else:
        with tarfile.open(archive) as handle:
            handle.extractall(unpacked, filter="data")
    target.parent.mkdir(parents=True, exist_ok=True)
    (unpacked / library.folder).rename(target)
    shutil.rmtree(unpacked, ignore_errors=True)
    return target


def inject(folder: Path, fault: Fault) -> None:
    path = folder / fault.file
    lines = path.read_text(encoding="utf-8").split("\n")
    current = lines[fault.line - 1]
    if current.strip() != fault.original.strip():
        raise SystemExit(f"{fault.id}: line {fault.line} is {current.strip()!r}, not the original")
    indent = current[: len(current) - len(current.lstrip())]
    lines[fault.line - 1] = indent + fault.faulty.strip()
    path.write_text("\n".join(lines), encoding="utf-8")


def child_env(library: Library, src: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "VIRTUAL_ENV"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONPATH", None)
    if library.pythonpath:  # relative: resolved in whatever copy the command runs in
        env["PYTHONPATH"] = library.pythonpath
    return env


def plain_run(folder: Path, python: Path, fault: Fault, env: dict[str, str]) -> Plain:
    cmd = [str(python), "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
           f"--timeout={PLAIN_TEST_TIMEOUT:g}", *fault.tests]  # fmt: skip
    start = time.perf_counter()
    done = run(cmd, folder, env)
    seconds = time.perf_counter() - start
    failed = sorted(
        {
            m.group(2)
            # SUBFAILED(params): a unittest subTest failed, so its test did (pytest 9 reports the
            # test itself as passed); the node id keeps its parametrization, as localize's does
            for m in SUMMARY_FAILURE.finditer(done.stdout)
            if "::" in m.group(2) or m.group(1) == "ERROR"
        }
    )
    summary = next((line for line in reversed(done.stdout.splitlines()) if " in " in line), "")
    return Plain(seconds=seconds, failed=failed, summary=summary.strip("= "))


def cli_command(src: Path | None) -> list[str]:
    if src is None:
        script = Path(sys.executable).with_name("smart-debug")
        if script.is_file():
            return [str(script)]
    return [sys.executable, "-c", "import sys; from dap_proxy.cli import main; sys.exit(main())"]


def localize_side(
    folder: Path, python: Path, fault: Fault, env: dict[str, str], side: str, src: Path | None
) -> Side:
    cmd = [*cli_command(src), "localize", "--json", "--top", "10", *SIDE_ARGS[side], "--",
           str(python), "-m", "pytest", "-q", *fault.tests]  # fmt: skip
    side_env = dict(env)
    if src is not None:  # a checkout to measure instead of the installed project
        side_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p)
    start = time.perf_counter()
    try:
        done = run(cmd, folder, side_env)
    except subprocess.TimeoutExpired:
        return Side(seconds=RUN_LIMIT, error=f"killed after {RUN_LIMIT:g}s")
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = " ".join(done.stderr.strip().splitlines()[-2:])[-300:]
        return Side(seconds=seconds, error=f"exit {done.returncode}: {tail}")
    payload = json.loads(done.stdout)
    rank = next(
        (
            index
            for index, s in enumerate(payload["suggestions"], 1)
            if s["file"] == fault.file and s["line"] == fault.line
        ),
        None,
    )
    outcomes = payload.get("outcomes") or {}
    failing_count = None
    for experiment in payload.get("experiments", []):
        found = re.match(r"(\d+) of \d+ tests failed", experiment.get("outcome", ""))
        if found:
            failing_count = int(found.group(1))
            break
    return Side(
        rank=rank,
        seconds=seconds,
        failed=outcomes.get("failed"),
        failing_count=failing_count,
        phases=payload.get("phases") or {},
    )


def share(results: list[Result], side: str, n: int) -> float:
    hits = sum(1 for r in results if (rank := r.sides[side].rank) is not None and rank <= n)
    return 100.0 * hits / len(results) if results else 0.0


def report(results: list[Result]) -> bool:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    table = Table(title=f"localize on real libraries: {len(results)} faults")
    for column in ("fault", "kind", "plain s", "failed", "localize", "s", "x plain",
                   "Ochiai", "mismatch", "phases (s)"):  # fmt: skip
        table.add_column(
            column, justify="right" if column in ("plain s", "s", "x plain") else "left"
        )
    for r in results:
        loc, och = r.sides["localize"], r.sides["ochiai"]
        phases = " ".join(f"{k}={v:.1f}" for k, v in loc.phases.items())
        mismatch = r.mismatches()
        table.add_row(
            r.fault.id,
            r.fault.kind + (" (method)" if r.fault.in_method else ""),
            f"{r.plain.seconds:.1f}",
            str(len(r.plain.failed)),
            loc.error[:60] if loc.error else str(loc.rank or "-"),
            f"{loc.seconds:.1f}",
            f"{loc.seconds / r.plain.seconds:.1f}",
            och.error[:30] if och.error else str(och.rank or "-"),
            "?" if mismatch is None else str(mismatch),
            phases,
        )
    console.print(table)
    scores = Table(title="scoreboard")
    for column in ("metric", "localize", "Ochiai"):
        scores.add_column(column)
    for n in TOPS:
        scores.add_row(f"Top-{n}", f"{share(results, 'localize', n):.0f}%",
                       f"{share(results, 'ochiai', n):.0f}%")  # fmt: skip
    mismatches = [r.mismatches() for r in results]
    known = [m for m in mismatches if m is not None]
    scores.add_row(
        "outcome mismatches", str(sum(known)) + ("" if len(known) == len(results) else " (+?)"), ""
    )
    slow = [r for r in results if r.plain.seconds >= SLOW_SUITE]
    fast = [r for r in results if r.plain.seconds < FAST_SUITE]
    ratios = [r.sides["localize"].seconds / r.plain.seconds for r in slow]
    spectra = [r.sides["localize"].phases.get("spectra", 0.0) / r.plain.seconds for r in slow]
    median = statistics.median(ratios) if ratios else 0.0
    spectra_median = statistics.median(spectra) if spectra else 0.0
    fast_max = max((r.sides["localize"].seconds for r in fast), default=0.0)
    scores.add_row(
        f"suites >= {SLOW_SUITE:g}s: median wall / plain", f"{median:.2f}x ({len(slow)})", ""
    )
    scores.add_row(
        f"suites >= {SLOW_SUITE:g}s: median spectra / plain", f"{spectra_median:.2f}x", ""
    )
    scores.add_row(f"suites < {FAST_SUITE:g}s: max wall", f"{fast_max:.1f}s ({len(fast)})", "")
    console.print(scores)
    ok = (
        share(results, "localize", 3) >= TOP3_TARGET
        and share(results, "localize", 1) >= TOP1_TARGET
        and len(known) == len(results)
        and sum(known) == 0
        and (not slow or (median <= RATIO_TARGET and spectra_median <= SPECTRA_TARGET))
        and fast_max <= FAST_TARGET
    )
    console.print("all targets met" if ok else "targets missed")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated fault ids")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--src", type=Path, help="run localize from this source tree")
    args = parser.parse_args(argv)
    corpus = Corpus.model_validate_json(CORPUS.read_text(encoding="utf-8"))
    only = set(args.only.split(",")) if args.only else None
    python = venv_python()
    results: list[Result] = []
    for library in corpus.libraries:
        faults = [f for f in library.faults if only is None or f.id in only]
        if not faults:
            continue
        source = library_source(library, python)
        env = child_env(library, args.src)
        for fault in faults:
            with tempfile.TemporaryDirectory(prefix="localize-real-") as tmp:
                folder = Path(tmp) / library.folder
                shutil.copytree(source, folder)
                inject(folder, fault)
                plain = plain_run(folder, python, fault, env)
                sides = {
                    side: localize_side(folder, python, fault, env, side, args.src)
                    for side in SIDES
                }
            result = Result(library=library.name, fault=fault, plain=plain, sides=sides)
            results.append(result)
            loc = sides["localize"]
            print(
                f"{fault.id}: plain {plain.seconds:.1f}s ({len(plain.failed)} failed), localize "
                f"rank {loc.rank} in {loc.seconds:.1f}s {loc.error or ''}, ochiai rank "
                f"{sides['ochiai'].rank}, mismatches {result.mismatches()}",
                file=sys.stderr,
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(
            json.dumps([r.model_dump() for r in results], indent=2), encoding="utf-8"
        )
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
