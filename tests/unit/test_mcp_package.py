"""Our `dap_proxy.mcp` package next to the SDK's top-level `mcp`: each name means one thing, and
`smart-debug --help` imports neither the SDK nor the server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import EVENT_TIMEOUT


def test_mcp_is_the_sdk_and_ours_is_dap_proxy_mcp() -> None:
    import mcp

    import dap_proxy.mcp.server as ours

    assert "dap_proxy" not in Path(mcp.__file__).parts and hasattr(mcp, "ClientSession")
    assert Path(ours.__file__).parent.parent.name == "dap_proxy"


def test_the_cli_parser_imports_no_part_of_the_server() -> None:
    probe = (
        "import sys; from dap_proxy.cli import build_parser; build_parser().format_help(); "
        "print(sorted(m for m in sys.modules if m == 'mcp' or m.startswith(('mcp.', "
        "'dap_proxy.mcp.')) and m != 'dap_proxy.mcp.command'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=EVENT_TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
