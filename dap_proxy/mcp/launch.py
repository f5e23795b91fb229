"""An agent's launch configuration made concrete for its own session: paths resolved against the
workspace, the program run where the workspace is (its `cwd` inside it, the store of the live
session in it), and what a headless session cannot do refused with the reason."""

from __future__ import annotations

from pathlib import Path

from mcp.server.mcpserver.exceptions import ToolError

from dap_proxy.headless import LaunchConfig
from dap_proxy.mcp.calls import inside_workspace

CONSOLE = "internalConsole"  # no terminal to run in: the program's output comes as events


def agent_config(config: LaunchConfig, workspace: Path) -> LaunchConfig:
    if config.console != CONSOLE:
        raise ToolError(
            f"`console` {config.console!r} needs an editor's terminal; an agent's session uses "
            f"{CONSOLE!r} (leave `console` out): the program's output shows in session_state"
        )
    cwd = inside_workspace(workspace, config.cwd or ".", "cwd")
    if not cwd.is_dir():
        raise ToolError(f"`cwd` {config.cwd!r} is not a folder of the workspace {workspace}")
    update: dict[str, object] = {"cwd": str(cwd)}
    if config.request == "launch" and config.program:
        program = (cwd / config.program).resolve()
        if not program.is_file():
            raise ToolError(
                f"`program` {config.program!r} is not a file (looked for {program}); give a "
                "path relative to `cwd` or absolute"
            )
        update["program"] = str(program)
    smart_debug = dict(config.smart_debug or {})
    # The live session records into the workspace's store, where `history` reads.
    store = inside_workspace(
        workspace, str(smart_debug.get("workspace") or "."), "smartDebug.workspace"
    )
    smart_debug["workspace"] = str(store)
    update["smart_debug"] = smart_debug
    return config.model_copy(update=update)
