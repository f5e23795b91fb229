"""`make demo` does real work: the debug session stops three times, the analysis-proposed logpoint
prints real values, `run` ranks the faulty comparison first, its live session sees the boundary
values on the failing tests and confirms it, the regression test written from them fails on the
bug, and the fixed twin is verified (that test passing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_TIMEOUT = 240.0  # seconds: debug session + triage + localize on a loaded 2-core machine

pytestmark = pytest.mark.timeout(DEMO_TIMEOUT + 30)


def test_demo_runs_the_main_job_on_the_bundled_example(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from dap_proxy.cli import main; sys.exit(main())"]
        + ["demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    # 1. the debug session through the proxy
    assert "proxy ready {'mode': 'launch', 'threads': 1}" in out
    for customer in ("'alice'", "'bob'", "'carol'"):
        assert customer in out
    assert "[smart-debug] discount:28: BULK_THRESHOLD=10, count=10" in out
    assert "bob: pays 36.00 (saved 0.00)" in out
    # 2. run: localize's experiments rank cart.py:28 first; the live session saw the values on
    # the failing tests only and H1's prediction held; a report is written
    h1 = next(line for line in out.splitlines() if line.startswith("│ H1 │"))
    assert "cart.py:28" in h1 and "confirmed" in h1, h1
    assert "what the live session saw:" in out
    assert (
        "at cart.py:27: items=[(1.0, 10)]" in out and "at cart.py:27: items=[(1.0, 1)]" not in out
    )
    seen_28 = next(line for line in out.splitlines() if "at cart.py:28:" in line)
    assert "BULK_THRESHOLD=10" in seen_28 and "count=10" in seen_28, seen_28
    assert "H1.1 held: at cart.py:28, when `count == BULK_THRESHOLD`" in out
    assert "report: " in out and ".html" in out
    # 3. the regression test from the observed arguments, failing on the buggy code
    assert "regression test: written" in out
    assert "assert discount(items=[(1.0, 10)]) == pytest.approx(1.0)" in out
    assert "1 failed" in out and "exit code 1 (it fails on the bug, as it must)" in out
    # 4. the fixed twin is verified, the regression test passing now
    regression_row = next(line for line in out.splitlines() if "the regression test" in line)
    assert "pass" in regression_row, regression_row
    assert "verdict: fixed" in out
    # 5. history lists the run and the verification
    assert "smart-debug history" in out
