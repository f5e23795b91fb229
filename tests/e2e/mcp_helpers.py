"""Helpers for the MCP end-to-end tests: the SDK's own client connected over stdio to a real
`smart-debug mcp` process working on a folder of the test's own."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters

CALL_TIMEOUT = 100.0  # seconds the client waits for one tool call (localize's budget is lower)
SECRET_ENV = "hunter2-correct-horse"  # the value of a secret-named variable of the server
SESSION_TOOLS = (
    "start_session",
    "session_state",
    "hypotheses",
    "test_hypothesis",
    "add_probe",
    "remove_probe",
    "continue",
    "step",
    "evaluate",
    "stop_session",
)


@asynccontextmanager
async def connected(
    workspace: Path, *args: str, scratch: Path | None = None, command: str | None = None
) -> AsyncIterator[Client]:
    env = {"SHOP_API_TOKEN": SECRET_ENV}
    if scratch is not None:
        env["TMPDIR"] = str(scratch)
    params = StdioServerParameters(
        command=command or sys.executable,
        args=[*([] if command else ["-m", "dap_proxy.cli"]), "mcp", *args],
        cwd=workspace,
        env=env,
    )
    async with Client(params, read_timeout_seconds=CALL_TIMEOUT) as client:
        yield client


def text_of(result: Any) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)
