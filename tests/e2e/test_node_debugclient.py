"""Microsoft's DebugClient (@vscode/debugadapter-testsupport, an independent DAP client) drives
`python -m dap_proxy`, plainly and with the live session injecting probes: the Node test in
tests/node/, run here so `make test` covers it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
NODE_TEST_TIMEOUT = 90.0  # seconds: one debug session, started and ended by the Node test


def test_debugclient_launch_breakpoint_variables_and_termination() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; install Node.js 18+ to run the DebugClient test")
    if not (NODE_DIR / "node_modules" / "@vscode" / "debugadapter-testsupport").is_dir():
        pytest.skip("tests/node/node_modules is missing: run `make node-deps`")
    env = {**os.environ, "SMART_DEBUG_PYTHON": sys.executable}
    env.pop("SMART_DEBUG_ADAPTER_CMD", None)
    result = subprocess.run(
        [node, "--test", "debugclient.test.js"],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=NODE_TEST_TIMEOUT,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "# pass 2" in report and "# fail 0" in report, report
