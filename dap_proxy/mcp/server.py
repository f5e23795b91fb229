"""The `smart-debug mcp` server: the official MCP SDK's `MCPServer` on stdio, with the tools of
every module in `TOOL_MODULES`. A tool module defines `register(host: ToolHost)`, adds its tools
to `host.server` and pushes onto `host.closing` whatever must stop when the client disconnects
(the session tools push the closing of every debug session an agent started).

`mcp` is always the SDK here (absolute imports, and `dap_proxy/` itself is never on `sys.path`);
this package is reached only as `dap_proxy.mcp`.
"""

from __future__ import annotations

import importlib
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from mcp.server.mcpserver import MCPServer

from dap_proxy import __version__
from dap_proxy.mcp.calls import ServerConfig, ToolHost

TOOL_MODULES = ("dap_proxy.mcp.workspace_tools", "dap_proxy.mcp.session_tools")
STOP_GRACE = 1.5  # seconds for engines to clean up after a signal (the SDK kills at 2)

INSTRUCTIONS = """\
smart-debug debugs Python (and reads JavaScript/TypeScript) without editing files.
- Got an error, a traceback or an issue text? Call `triage` with it: ranked hypotheses, each with
  how to falsify it, and breakpoint/logpoint suggestions.
- Have a failing test command? Call `localize` with it: it runs experiments in a scratch copy and
  ranks the lines most likely to hold the bug, with the evidence.
- `history` finds similar past sessions of this workspace and their root causes.
- To watch the program run: `start_session` with a launch.json-shaped config (put the failing
  output in `smartDebug.traceback`, breakpoints in `breakpoints`), then `session_state`,
  `hypotheses`, `test_hypothesis` (it places probes; `continue` so they observe), `add_probe`,
  `evaluate` at a stop, `continue`/`step`, and `stop_session` when done. Probes and evaluations
  must be side-effect free; the program's files are never changed.
Results are redacted: a `[REDACTED:<kind>]` marker stands where a secret was."""


def build_server(config: ServerConfig) -> tuple[MCPServer, ToolHost]:
    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await host.closing.aclose()

    server = MCPServer(
        "smart-debug",
        title="smart-debug",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        log_level="WARNING",  # stderr is the client's log; tool errors already reach the agent
    )
    host = ToolHost(server=server, config=config)
    for name in TOOL_MODULES:
        importlib.import_module(name).register(host)
    return server, host


def serve(config: ServerConfig) -> None:
    """Serve on stdin/stdout until the client closes stdin (calls under way are cancelled, their
    engines stop, and the process exits when they have cleaned up) or stops the process."""
    server, host = build_server(config)
    anyio.run(_serve, server, host)


async def _serve(server: MCPServer, host: ToolHost) -> None:
    async with anyio.create_task_group() as group:
        group.start_soon(_end_on_signal, host)
        await server.run_stdio_async()
        group.cancel_scope.cancel()


async def _end_on_signal(host: ToolHost) -> None:
    """SIGTERM (the SDK's client sends it 2 s after closing stdin, then SIGKILL 2 s later) or
    SIGHUP: stop every engine and close what the tool modules registered, then exit at once.
    Python's default would exit at once too, leaving localize's test processes running; and an
    orderly cancel cannot be waited for, since the stdin reader may be blocked in a thread."""
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGHUP) as signals:
        async for signum in signals:
            await anyio.to_thread.run_sync(host.engines.stop_all, STOP_GRACE)
            with anyio.move_on_after(STOP_GRACE):
                await host.closing.aclose()
            os._exit(128 + signum)
