"""`smart-debug run` on the demo example: its wall time, and its cost over plain `localize` on the
same example, measured side by side in one process run (target: run / localize <= 1.5)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "shopping_cart"
ROUNDS = 3
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


def main() -> int:
    runs: list[float] = []
    localizes: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(ROUNDS):  # alternate, so load on the machine hits both sides alike
            workspace = Path(scratch) / f"cart{index}"
            shutil.copytree(
                EXAMPLE, workspace, ignore=shutil.ignore_patterns(".smart-debug", "__pycache__")
            )
            localizes.append(timed(["localize", "--json", *TESTS], workspace))
            runs.append(timed(["run", *TESTS], workspace))
    run_s, localize_s = statistics.median(runs), statistics.median(localizes)
    ratio = run_s / localize_s
    print(f"examples/shopping_cart, median of {ROUNDS} rounds (2 cores)")
    print(f"smart-debug localize:  {localize_s:6.2f} s")
    print(
        f"smart-debug run:       {run_s:6.2f} s  (localize + the observing debug session + report)"
    )
    print(
        f"ratio run/localize:    {ratio:6.2f}x (target <= {TARGET}x) {'ok' if ratio <= TARGET else 'MISSED'}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
