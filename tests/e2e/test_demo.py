"""`make demo` does real work: the debug session stops three times, the analysis-proposed logpoint
prints real values, triage names the faulty comparison and localize ranks its line first."""

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
    # 2. triage names the comparison at cart.py:28 in its first hypothesis
    h1 = out[out.index("│ H1 │") :]
    assert "cart.py:28" in h1[: h1.index("│ H2 │")]
    # 3. localize ranks cart.py:28 first
    first = next(line for line in out.splitlines() if line.startswith("│ 1 │"))
    assert "cart.py:28" in first, first
