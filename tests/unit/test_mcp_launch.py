"""An agent's launch configuration made concrete (`dap_proxy.mcp.launch.agent_config`): paths
resolved in the workspace, the live session's store kept there, and what a headless session
cannot do refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from dap_proxy.headless import LaunchConfig
from dap_proxy.mcp.launch import agent_config
from dap_proxy.mcp.sessions import AgentSession


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("print('hi')\n")
    return tmp_path.resolve()


def test_paths_resolve_in_the_workspace_and_the_rest_passes_through(workspace: Path) -> None:
    config = LaunchConfig.model_validate(
        {
            "program": "main.py",
            "cwd": "app",
            "justMyCode": False,
            "breakpoints": [{"file": "main.py", "line": 1}],
            "smartDebug": {"traceback": "failure.txt"},
        }
    )
    arguments = agent_config(config, workspace).arguments()
    assert arguments["program"] == str(workspace / "app" / "main.py")
    assert arguments["cwd"] == str(workspace / "app")
    assert arguments["smartDebug"] == {"traceback": "failure.txt", "workspace": str(workspace)}
    assert arguments["justMyCode"] is False
    assert arguments["breakpoints"] == [{"file": "main.py", "line": 1}]


def test_a_module_or_an_attach_needs_no_program_file(workspace: Path) -> None:
    module = agent_config(LaunchConfig(module="pytest", args=["-q"]), workspace).arguments()
    assert module["module"] == "pytest" and module["cwd"] == str(workspace)
    attach = LaunchConfig.model_validate(
        {"request": "attach", "connect": {"host": "127.0.0.1", "port": 5678}}
    )
    assert agent_config(attach, workspace).arguments()["connect"]["port"] == 5678


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ({"program": "main.py", "cwd": ".."}, "`cwd` '..' is outside the workspace"),
        ({"program": "main.py", "cwd": "nope"}, "is not a folder"),
        ({"program": "missing.py", "cwd": "app"}, "is not a file"),
        ({"program": "app/main.py", "console": "integratedTerminal"}, "internalConsole"),
        (
            {"program": "app/main.py", "smartDebug": {"workspace": "/"}},
            "`smartDebug.workspace` '/' is outside the workspace",
        ),
    ],
)
def test_what_cannot_run_is_refused_with_the_reason(
    workspace: Path, raw: dict[str, object], says: str
) -> None:
    with pytest.raises(ToolError) as refused:
        agent_config(LaunchConfig.model_validate(raw), workspace)
    assert says in str(refused.value)


def test_an_agent_sessions_env_file_values_count_as_its_secrets(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("API_TOKEN=from-the-file\nSHARED=file\n")
    config = LaunchConfig.model_validate(
        {"program": "app.py", "cwd": str(tmp_path), "envFile": ".env", "env": {"SHARED": "env"}}
    )
    session = AgentSession("s1", config, tmp_path)
    assert session.env["API_TOKEN"] == "from-the-file"
    assert session.env["SHARED"] == "env"  # the configuration's `env` wins, as in the session
