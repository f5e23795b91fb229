"""Fault-localization scoreboard (issue 5): for every program of bench/localize/programs/, run
`smart-debug localize` and its plain Ochiai baseline (`--experiments spectra`) side by side in one
run, find the rank of the known faulty line in each ranking and print Top-1/3/5 and wall times.

Each run works in a throwaway copy of the program, so the corpus is never modified.

With --twice, localize runs twice on every program and the scoreboard says on how many the two
rankings were the same (they must all be: a ranking may not depend on timing, hash seeds or the
order of a set).

Usage: python bench/localize.py [--only NAME[,NAME]] [--jobs N] [--json] [--top N] [--budget S]
                                [--twice] [--same-as FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field, ValidationError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from localize_verify import CorpusError, Fault, Program, load_corpus, program_copy  # noqa: E402

SIDES = ("localize", "ochiai")
# Extra arguments per side: the full tool, and the plain Ochiai baseline it ships.
SIDE_ARGS = {"localize": [], "ochiai": ["--experiments", "spectra"]}
# localize's own default budget is 60 s; past budget + this margin the run is killed.
DEFAULT_BUDGET = 60.0
KILL_MARGIN = 60.0
DEFAULT_TOP = 20
TOP_N = (1, 3, 5)


class Suggestion(BaseModel):
    """The part of a localize suggestion the scoreboard reads (DESIGN.md, Contracts)."""

    file: str
    line: int
    score: float = 0.0


class LocalizeOutput(BaseModel):
    suggestions: list[Suggestion]


class SideResult(BaseModel):
    ranking: list[tuple[str, int]] = Field(default_factory=list)  # (file, line), best first
    rank: int | None = None
    tied: int = 0  # other suggestions with exactly the score of the match
    seconds: float = 0.0
    error: str | None = None


class ProgramResult(BaseModel):
    name: str
    kind: str
    sides: dict[str, SideResult]
    again: SideResult | None = None  # localize's second run (--twice)

    def same_twice(self) -> bool | None:
        """Whether localize's two runs ranked the same (None: run once, or a run failed)."""
        first = self.sides["localize"]
        if self.again is None or first.error or self.again.error:
            return None
        return first.ranking == self.again.ranking


def cli_command() -> list[str]:
    """The project's `smart-debug`, from the same environment as this interpreter."""
    script = Path(sys.executable).with_name("smart-debug")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from dap_proxy.cli import main; sys.exit(main())"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("PYTEST_ADDOPTS", None)
    return env


def same_file(reported: str, expected: str) -> bool:
    return PurePosixPath(reported.replace("\\", "/")).as_posix().removeprefix("./") == (
        PurePosixPath(expected).as_posix().removeprefix("./")
    )


def rank_of(suggestions: list[Suggestion], fault: Fault) -> tuple[int | None, int]:
    """1-based position of the first suggestion on a faulty line, and how many others tie it."""
    for position, suggestion in enumerate(suggestions, 1):
        if same_file(suggestion.file, fault.file) and suggestion.line in fault.lines:
            tied = sum(1 for s in suggestions if s.score == suggestion.score) - 1
            return position, tied
    return None, 0


def short_error(completed: subprocess.CompletedProcess[str]) -> str:
    if completed.returncode == 3:
        return "exit 3: the tests never failed in that run (nothing to localize)"
    lines = [line.strip() for line in (completed.stderr or "").splitlines() if line.strip()]
    tail = " ".join(lines[-3:]) if lines else "no message"
    return f"exit {completed.returncode}: {tail[-240:]}"


def run_side(program: Program, side: str, top: int, budget: float | None) -> SideResult:
    cmd = [*cli_command(), "localize", "--json", "--top", str(top), *SIDE_ARGS[side]]
    if budget is not None:
        cmd += ["--budget", str(budget)]
    cmd += ["--", sys.executable, "-m", "pytest", "-q", "tests"]
    limit = (budget or DEFAULT_BUDGET) + KILL_MARGIN
    with program_copy(program) as folder:
        start = time.perf_counter()
        try:
            completed = subprocess.run(
                cmd,
                cwd=folder,
                env=child_env(),
                capture_output=True,
                text=True,
                timeout=limit,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return SideResult(seconds=time.perf_counter() - start, error=f"killed after {limit}s")
        seconds = time.perf_counter() - start
    if completed.returncode != 0:
        return SideResult(seconds=seconds, error=short_error(completed))
    try:
        output = LocalizeOutput.model_validate_json(completed.stdout)
    except ValidationError as exc:
        first = exc.errors()[0]
        return SideResult(seconds=seconds, error=f"invalid JSON: {first['msg']}")
    rank, tied = rank_of(output.suggestions, program.fault)
    ranking = [(s.file, s.line) for s in output.suggestions]
    return SideResult(rank=rank, tied=tied, seconds=seconds, ranking=ranking)


def run_program(program: Program, top: int, budget: float | None, twice: bool) -> ProgramResult:
    sides = {side: run_side(program, side, top, budget) for side in SIDES}
    again = run_side(program, "localize", top, budget) if twice else None
    result = ProgramResult(name=program.name, kind=program.fault.kind, sides=sides, again=again)
    summary = ", ".join(f"{side} {describe(r)} ({r.seconds:.1f}s)" for side, r in sides.items())
    if again is not None:
        same = result.same_twice()
        summary += f", again {describe(again)}" + (" (ranking differs)" if same is False else "")
    print(f"{program.name}: {summary}", file=sys.stderr, flush=True)
    return result


def describe(result: SideResult) -> str:
    if result.rank is not None:
        return str(result.rank)
    return "error" if result.error else "-"


def top_share(results: list[ProgramResult], side: str, n: int) -> float:
    hits = sum(1 for r in results if (rank := r.sides[side].rank) is not None and rank <= n)
    return 100.0 * hits / len(results) if results else 0.0


def summarize(results: list[ProgramResult]) -> dict[str, object]:
    summary: dict[str, object] = {"programs": len(results)}
    for side in SIDES:
        times = [r.sides[side].seconds for r in results]
        ranks = [r.sides[side].rank for r in results]
        summary[side] = {
            **{f"top{n}": round(top_share(results, side, n), 1) for n in TOP_N},
            "mrr": round(sum(1 / rank for rank in ranks if rank) / max(1, len(ranks)), 3),
            "not_found": sum(1 for rank in ranks if rank is None),
            "errors": sum(1 for r in results if r.sides[side].error),
            "median_seconds": round(statistics.median(times), 2) if times else 0.0,
            "max_seconds": round(max(times), 2) if times else 0.0,
        }
    twice = [r.same_twice() for r in results if r.again is not None]
    if twice:
        summary["same_twice"] = sum(1 for same in twice if same)
        summary["differ_twice"] = [r.name for r in results if r.same_twice() is False]
    return summary


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def print_report(results: list[ProgramResult], summary: dict[str, object]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    table = Table(title=f"fault localization: {len(results)} programs")
    for column in ("program", "kind", "localize rank", "s", "Ochiai rank", "s", "errors"):
        table.add_column(column, justify="right" if column in ("s",) else "left")
    for r in results:
        loc, och = r.sides["localize"], r.sides["ochiai"]
        errors = "; ".join(f"{side}: {s.error}" for side, s in r.sides.items() if s.error)
        table.add_row(
            r.name,
            r.kind,
            describe(loc) + (f" (={loc.tied})" if loc.tied else ""),
            f"{loc.seconds:.1f}",
            describe(och) + (f" (={och.tied})" if och.tied else ""),
            f"{och.seconds:.1f}",
            errors,
        )
    console.print(table)
    loc, och = summary["localize"], summary["ochiai"]
    assert isinstance(loc, dict) and isinstance(och, dict)
    scores = Table(title="scoreboard (rank = position of the first suggestion on a faulty line)")
    for column in ("metric", "localize", "Ochiai", "ratio"):
        scores.add_column(column)
    for n in TOP_N:
        key = f"top{n}"
        scores.add_row(
            f"Top-{n}", f"{loc[key]:.1f}%", f"{och[key]:.1f}%", ratio(loc[key], och[key])
        )
    scores.add_row("MRR", f"{loc['mrr']:.3f}", f"{och['mrr']:.3f}", ratio(loc["mrr"], och["mrr"]))
    scores.add_row("not found", str(loc["not_found"]), str(och["not_found"]), "")
    scores.add_row("errors", str(loc["errors"]), str(och["errors"]), "")
    for key, label in (("median_seconds", "median wall s"), ("max_seconds", "max wall s")):
        scores.add_row(label, f"{loc[key]:.1f}", f"{och[key]:.1f}", ratio(loc[key], och[key]))
    console.print(scores)
    console.print("(=N) after a rank: N other suggestions have exactly the same score.")
    if "same_twice" in summary:
        differ = summary["differ_twice"]
        assert isinstance(differ, list)
        console.print(
            f"localize run twice: the same ranking on {summary['same_twice']} of {len(results)} "
            "programs" + (f" (differ: {', '.join(differ)})" if differ else "")
        )


def check_cli() -> str | None:
    """None when `smart-debug localize` is there, else a message saying what to do."""
    try:
        completed = subprocess.run(
            [*cli_command(), "localize", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run smart-debug: {exc}"
    if completed.returncode != 0 or "--experiments" not in completed.stdout:
        return (
            "`smart-debug localize` (with --experiments) is not available in this environment "
            f"({short_error(completed)}); install the project (pip install -e .) and retry"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated program names")
    parser.add_argument("--jobs", type=int, default=1, help="programs run in parallel (1)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help="suggestions to ask for")
    parser.add_argument("--budget", type=float, default=None, help="localize --budget seconds")
    parser.add_argument(
        "--twice", action="store_true", help="run localize twice per program: same rankings?"
    )
    parser.add_argument(
        "--same-as",
        metavar="FILE",
        help="the --json output of an earlier run: say which localize rankings differ from it "
        "(two runs on the same program must rank the same)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.top < 1:
        parser.error("--jobs and --top must be at least 1")
    only = [name for name in args.only.split(",") if name] if args.only else None
    try:
        programs = load_corpus(only)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    problem = check_cli()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(
            pool.map(lambda p: run_program(p, args.top, args.budget, args.twice), programs)
        )
    summary = summarize(results)
    if args.same_as:
        earlier = json.loads(Path(args.same_as).read_text(encoding="utf-8"))
        before = {
            r["name"]: [tuple(x) for x in r["sides"]["localize"]["ranking"]]
            for r in earlier["results"]
        }
        changed = [r.name for r in results if before.get(r.name) != r.sides["localize"].ranking]
        summary["rankings_changed"] = changed
        print(
            f"same rankings as {args.same_as}: {len(results) - len(changed)} of "
            f"{len(results)}" + (f" (differ: {', '.join(changed)})" if changed else ""),
            file=sys.stderr,
        )
    if args.json:
        summary["results"] = [r.model_dump() for r in results]
        print(json.dumps(summary, indent=2))
    else:
        print_report(results, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
