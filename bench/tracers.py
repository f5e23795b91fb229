"""Per-test line coverage on real test suites: the cost of the stdlib `sys.settrace` tracer that
localize shipped against coverage.py's C tracer with a dynamic context per test
(`Coverage.switch_context`), each measured as its own pytest run of the same suite next to a
plain run, in one process run. Also checks that every tracer keeps the plain outcomes.

The libraries and the scratch virtualenv are bench/localize_real.py's (nothing of ours is
installed there: coverage comes in the way localize brings it, one package on the end of
sys.path).

Usage: python bench/tracers.py [--only NAME[,NAME]] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from localize_real import CORPUS, Corpus, child_env, library_source, venv_python  # noqa: E402

MODES = ("plain", "settrace", "coverage")
# One suite per library: the test files of its first fault.
PLUGIN = """
import os, sys, time
MODE = os.environ["TRACER_BENCH_MODE"]
ROOT = os.path.realpath(os.getcwd()) + os.sep
if MODE == "coverage":
    sys.path.append(os.environ["TRACER_BENCH_COVERAGE"])
    import coverage
    from coverage.tracer import CTracer  # noqa: F401 (the C tracer, or this mode is meaningless)
    COV = coverage.Coverage(data_file=None, include=[ROOT + "*"], omit=["*/tests/*", "*/test_*"])
    COV.start()
if MODE == "settrace":
    import importlib.util
    spec = importlib.util.spec_from_file_location("p", os.environ["TRACER_BENCH_PLUGIN"])
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    code, tests = [], []
    for d, _, fs in os.walk(ROOT):
        for f in fs:
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(d, f), ROOT)
                (tests if "test" in rel else code).append(rel)
    TRACER = plugin.LineTracer(plugin.ProjectFiles(ROOT, code, tests))
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if MODE == "settrace":
        TRACER.start()
    elif MODE == "coverage":
        COV.switch_context(item.nodeid)
    yield
    if MODE == "settrace":
        TRACER.stop()

def pytest_unconfigure(config):
    if MODE == "coverage":
        COV.stop()
        data = COV.get_data()
        lines = sum(len(data.contexts_by_lineno(f)) for f in data.measured_files())
        print(f"\\ncoverage lines {lines}", file=sys.stderr)
"""


def run_mode(python: Path, folder: Path, tests: list[str], env: dict[str, str], mode: str,
             plugin_dir: Path, coverage_dir: Path) -> tuple[float, list[str]]:  # fmt: skip
    mode_env = dict(env, TRACER_BENCH_MODE=mode, TRACER_BENCH_COVERAGE=str(coverage_dir),
                    TRACER_BENCH_PLUGIN=str(PLUGIN_FILE))  # fmt: skip
    mode_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(plugin_dir), env.get("PYTHONPATH")) if p
    )
    cmd = [str(python), "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
           "-p", "tracer_bench_plugin", *tests]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=folder, env=mode_env, capture_output=True, text=True,
                          timeout=900, check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    if "error" in done.stdout.splitlines()[-1:] or done.returncode not in (0, 1):
        raise SystemExit(f"{mode}: pytest failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    failed = sorted(m.group(1) for m in re.finditer(r"^FAILED (\S+)", done.stdout, re.M))
    return seconds, failed


PLUGIN_FILE = Path(__file__).resolve().parents[1] / "dap_proxy" / "experiments" / "plugin.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated library names")
    parser.add_argument("--rounds", type=int, default=1, help="runs per mode (median kept)")
    args = parser.parse_args(argv)
    corpus = Corpus.model_validate_json(CORPUS.read_text(encoding="utf-8"))
    only = set(args.only.split(",")) if args.only else None
    python = venv_python()
    import coverage

    with tempfile.TemporaryDirectory() as tmp:
        plugin_dir = Path(tmp) / "plugin"
        plugin_dir.mkdir()
        (plugin_dir / "tracer_bench_plugin.py").write_text(PLUGIN, encoding="utf-8")
        coverage_dir = Path(tmp) / "coverage"
        coverage_dir.mkdir()
        (coverage_dir / "coverage").symlink_to(Path(coverage.__file__).parent)
        print(
            f"{'suite':<28}{'plain s':>9}{'settrace':>10}{'x':>7}{'coverage':>10}{'x':>7}  same outcomes"
        )
        ratios: dict[str, list[float]] = {"settrace": [], "coverage": []}
        for library in corpus.libraries:
            if only and library.name not in only:
                continue
            folder = library_source(library, python)
            tests = library.faults[0].tests
            env = child_env(library, None)
            seconds: dict[str, float] = {}
            outcomes: dict[str, list[str]] = {}
            for mode in MODES:
                times = []
                for _ in range(max(1, args.rounds)):
                    took, failed = run_mode(
                        python, folder, tests, env, mode, plugin_dir, coverage_dir
                    )
                    times.append(took)
                seconds[mode] = statistics.median(times)
                outcomes[mode] = failed
            same = all(outcomes[m] == outcomes["plain"] for m in MODES)
            for mode in ratios:
                ratios[mode].append(seconds[mode] / seconds["plain"])
            name = f"{library.name} {' '.join(tests)}"[:27]
            print(
                f"{name:<28}{seconds['plain']:>9.2f}{seconds['settrace']:>10.2f}"
                f"{seconds['settrace'] / seconds['plain']:>7.2f}{seconds['coverage']:>10.2f}"
                f"{seconds['coverage'] / seconds['plain']:>7.2f}  {'yes' if same else 'NO'}",
                flush=True,
            )
        for mode, values in ratios.items():
            if values:
                print(f"median {mode} / plain: {statistics.median(values):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
