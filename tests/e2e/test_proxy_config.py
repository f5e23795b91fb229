"""The proxy's declared tables, called directly (fast; no processes): launch/attach arguments
and their session mode, the `smartDebug` block, and the capability table vs a real answer."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from dap_helpers import PROXY_ARGV, REPO

from dap_proxy.live.options import ConfigError, read_config
from dap_proxy.proxy.models import (
    DebugpyCapabilities,
    LaunchArguments,
    SessionMode,
    capability_changes,
)


@pytest.mark.parametrize(
    ("command", "arguments", "mode"),
    [
        ("launch", {"program": "a.py"}, SessionMode.LAUNCH),
        ("attach", {"connect": {"host": "10.0.0.2", "port": 5678}}, SessionMode.ATTACH_CONNECT),
        ("attach", {"host": "10.0.0.2", "port": 5678}, SessionMode.ATTACH_CONNECT),
        ("attach", {"port": 5678}, SessionMode.ATTACH_CONNECT),
        ("attach", {"listen": {"port": 5678}}, SessionMode.ATTACH_LISTEN),
        ("attach", {"processId": 1234}, SessionMode.ATTACH_PID),
        ("attach", {"processId": "${command:pickProcess}"}, SessionMode.ATTACH_PID),
    ],
)
def test_session_mode_from_arguments(command: str, arguments: dict, mode: SessionMode) -> None:
    assert LaunchArguments.model_validate(arguments).mode(command) is mode


def test_legacy_host_port_becomes_connect_and_extras_pass_through() -> None:
    parsed = LaunchArguments.model_validate(
        {"host": "example", "port": 9, "justMyCode": False, "env": {"A": "1"}}
    )
    assert parsed.connect is not None and (parsed.connect.host, parsed.connect.port) == (
        "example",
        9,
    )
    assert parsed.model_extra == {"justMyCode": False, "env": {"A": "1"}}


def test_attach_without_a_target_says_what_is_needed() -> None:
    with pytest.raises(ValueError, match="python -m debugpy --listen"):
        LaunchArguments.model_validate({}).mode("attach")


@pytest.mark.parametrize(
    "block",
    [{"ai": "openai"}, {"autoLogpoints": -1}, {"autoLogpoint": 3}, {"issue": 5}],
)
def test_smart_debug_block_is_validated(block: dict) -> None:
    with pytest.raises(ConfigError, match="smartDebug"):
        read_config({"smartDebug": block})


def test_smart_debug_defaults() -> None:
    config, forwarded = read_config({"program": "a.py"})
    options = config.options
    assert (options.autoLogpoints, options.ai, options.issue, options.traceback) == (
        5,
        "off",
        "",
        "",
    )
    assert (options.maxProbeHits, options.showProbeOutput) == (100, True)
    assert forwarded == {"program": "a.py"}


def test_capability_table_matches_debugpy_and_reports_differences() -> None:
    table = DebugpyCapabilities().body()
    filters = [f["filter"] for f in table["exceptionBreakpointFilters"]]
    assert filters == ["raised", "uncaught", "userUnhandled"]
    assert capability_changes(table, dict(table)) == {}
    actual = {**table, "supportsLogPoints": False, "supportsRestartRequest": True}
    assert capability_changes(table, actual) == {
        "supportsLogPoints": False,
        "supportsRestartRequest": True,
    }


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [*PROXY_ARGV, "--port", str(port)], cwd=REPO, capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 1
    assert f"could not listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_port_argument_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dap_proxy", "--port", "99999"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "port out of range" in result.stderr
