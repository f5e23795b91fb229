"""`smart-debug run` on the demo example: its wall time, and its cost over plain `localize` on the
same example, measured side by side in one process run (target: run / localize <= 1.5).

Each round runs both commands on fresh copies of the example, back to back, the order switching
every round, so the load of a shared machine weighs on both sides alike; the ratio checked is
the median of the rounds' own ratios. Where run's time goes comes from its report's timeline:
localize inside run, the observing session after it, then the report and the regression test.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "shopping_cart"
ROUNDS = 5
TARGET = 1.5
CLI = [sys.executable, "-c", "import sys; from dap_proxy.cli import main; sys.exit(main())"]
TESTS = ["--", sys.executable, "-m", "pytest", "-q", "tests"]


def timed(args: list[str], workspace: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([*CLI, *args], cwd=workspace, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"`smart-debug {' '.join(args)}` failed ({done.returncode}): {done.stderr[-500:]}"
        )
    return seconds


def phases(workspace: Path, wall: float) -> tuple[float, float, float, float]:
    """(localize, the session after it, report and regression test, start-up and exit) of one
    run, in seconds."""
    [report] = (workspace / ".smart-debug" / "reports").glob("*.json")
    data = json.loads(report.read_text())
    timeline = data["timeline"]
    localized = max(t["at"] for t in timeline if t["kind"] == "experiment")
    ended = max(t["at"] for t in timeline if t["kind"] == "end")
    return localized, ended - localized, data["seconds"] - ended, wall - data["seconds"]


def copy(scratch: Path, name: str) -> Path:
    workspace = scratch / name
    shutil.copytree(
        EXAMPLE, workspace, ignore=shutil.ignore_patterns(".smart-debug", "__pycache__")
    )
    return workspace


def main() -> int:
    runs: list[float] = []
    localizes: list[float] = []
    inside: list[tuple[float, float, float, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(ROUNDS):
            plain, full = copy(Path(scratch), f"l{index}"), copy(Path(scratch), f"r{index}")
            if index % 2:
                runs.append(timed(["run", *TESTS], full))
                localizes.append(timed(["localize", "--json", *TESTS], plain))
            else:
                localizes.append(timed(["localize", "--json", *TESTS], plain))
                runs.append(timed(["run", *TESTS], full))
            inside.append(phases(full, runs[-1]))
    ratios = [r / loc for r, loc in zip(runs, localizes, strict=True)]
    ratio = statistics.median(ratios)
    run_s, localize_s = statistics.median(runs), statistics.median(localizes)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"examples/shopping_cart, {ROUNDS} rounds (2 cores, load average {load:.1f} at the end)")
    print(f"smart-debug localize:  {localize_s:6.2f} s median")
    print(
        f"smart-debug run:       {run_s:6.2f} s median (localize + the observing session + report)"
    )
    parts = [statistics.median(x) for x in zip(*inside, strict=True)]
    print(
        "  inside run (medians): localize {:.2f} s, the session after it {:.2f} s, report and "
        "regression test {:.2f} s, start-up and exit {:.2f} s".format(*parts)
    )
    print(f"rounds' ratios:        {', '.join(f'{r:.2f}' for r in ratios)}")
    print(
        f"ratio run/localize:    {ratio:6.2f}x median (target <= {TARGET}x) "
        f"{'ok' if ratio <= TARGET else 'MISSED'}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
