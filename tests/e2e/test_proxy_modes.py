"""End to end: runInTerminal, a user interpreter without debugpy, adapter death, and the proxy's
seq renumbering / reverse-request policy against a scripted adapter."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVENT_TIMEOUT
from dap_helpers import (
    PROGRAMS,
    REPO,
    assert_all_gone,
    cmdline,
    descendants,
    launch_arguments,
    output_text,
    spawn_proxy,
    start_session,
    wait_for,
    wait_output,
)

pytestmark = pytest.mark.e2e

HELLO = PROGRAMS / "hello.py"
WAIT = PROGRAMS / "wait.py"


def test_run_in_terminal_reaches_the_editor_and_back() -> None:
    terminals: list[subprocess.Popen[str]] = []

    def run_in_terminal(request: dict) -> dict:
        arguments = request["arguments"]
        env = dict(os.environ)
        for key, value in (arguments.get("env") or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        terminal = subprocess.Popen(
            arguments["args"],
            cwd=arguments.get("cwd") or None,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        terminals.append(terminal)
        return {"processId": terminal.pid}

    with spawn_proxy() as client:
        client.reverse_request_handler = run_in_terminal
        start_session(
            client,
            "launch",
            launch_arguments(HELLO, console="integratedTerminal"),
            initialize_extra={"supportsRunInTerminalRequest": True},
        )
        client.wait_event("terminated")
        client.request("disconnect", {}, check=True)
    [request] = client.reverse_requests
    assert request["command"] == "runInTerminal"
    [terminal] = terminals
    out, _ = terminal.communicate(timeout=EVENT_TIMEOUT)
    assert "hello from" in out  # the program ran in "our terminal"
    assert terminal.returncode == 0


def test_user_interpreter_without_debugpy(tmp_path: Path) -> None:
    venv = tmp_path / "plain-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    check = subprocess.run([str(python), "-c", "import debugpy"], capture_output=True)
    assert check.returncode != 0  # really without debugpy
    with spawn_proxy() as client:
        start_session(client, "launch", launch_arguments(HELLO, python=str(python)))
        assert client.wait_event("exited")["body"]["exitCode"] == 0
        wait_for(lambda: "hello from" in output_text(client, "stdout"), what="program output")
        assert f"hello from {venv}" in output_text(client, "stdout")
        client.request("disconnect", {}, check=True)


def test_adapter_death_ends_the_session_cleanly() -> None:
    with spawn_proxy() as client:
        start_session(client, "launch", launch_arguments(WAIT))
        client.wait_event("smartDebug/ready")
        tree = descendants(client.process.pid)
        [adapter] = [
            pid
            for pid in tree
            if "debugpy.adapter" in cmdline(pid) or "dap_proxy.proxy.nodelay" in cmdline(pid)
        ]
        os.kill(adapter, signal.SIGKILL)
        said = client.wait_event("output", lambda e: "unexpectedly" in e["body"]["output"])
        assert f"pid {adapter}" in said["body"]["output"]
        assert "exit code -9" in said["body"]["output"]
        client.wait_event("terminated")
        client.wait_event("exited")
        client.wait_closed()
        assert client.process.wait(EVENT_TIMEOUT) == 0
    assert_all_gone(tree)


def test_debuggee_killed_ends_the_session_as_debugpy_reports_it() -> None:
    with spawn_proxy() as client:
        start_session(client, "launch", launch_arguments(WAIT))
        debuggee = int(wait_output(client, r"waiting pid (\d+)\n", "stdout").group(1))
        tree = descendants(client.process.pid)
        os.kill(debuggee, signal.SIGKILL)
        assert client.wait_event("exited")["body"]["exitCode"] != 0
        client.wait_event("terminated")
        client.request("disconnect", {}, check=True)
        client.wait_closed()
        assert client.process.wait(EVENT_TIMEOUT) == 0
    assert_all_gone(tree)


def test_renumbering_and_reverse_request_policy_with_a_scripted_adapter() -> None:
    env = {
        **os.environ,
        "SMART_DEBUG_ADAPTER_CMD": json.dumps([sys.executable, str(PROGRAMS / "fake_adapter.py")]),
        "PYTHONPATH": str(REPO),
    }
    with spawn_proxy(env=env) as client:
        client.reverse_request_handler = lambda request: {"processId": 4242}
        caps = client.request("initialize", {"adapterID": "smart-debug"}, check=True)["body"]
        assert "supportsRestartRequest" not in caps  # the declared debugpy table
        launch_seq = client.send_request(
            "launch",
            {"program": "x.py", "myExtra": {"kept": [1, 2]}, "smartDebug": {"autoLogpoints": 3}},
        )
        changed = client.wait_event("capabilities")
        assert changed["body"]["capabilities"] == {"supportsRestartRequest": True}
        client.wait_event("initialized")
        client.request("configurationDone", check=True)
        launched = client.wait_response(launch_seq, check=True)
        seen = launched["body"]["sawArguments"]
        assert "smartDebug" not in seen and seen["myExtra"] == {"kept": [1, 2]}

        report = client.wait_event("fake/reverseResponses")["body"]
        by_command = {r["command"]: r for r in report["responses"]}
        assert by_command["runInTerminal"]["success"] is True
        assert by_command["runInTerminal"]["body"] == {"processId": 4242}
        assert report["sent"][str(by_command["runInTerminal"]["request_seq"])] == "runInTerminal"
        assert by_command["evilCommand"]["success"] is False
        assert "does not forward" in by_command["evilCommand"]["message"]
        assert [r["command"] for r in client.reverse_requests] == ["runInTerminal"]

        ready = client.wait_event("smartDebug/ready")
        assert ready["body"] == {"mode": "launch", "threads": 2}
        for _ in range(3):
            response = client.request("evaluate", {"expression": "1"}, check=True)
            assert response["body"]["sawSeq"] > 0
        # the adapter's direction is numbered 1, 2, 3, ... too, including the proxy's own
        # initialize and threads and the answers to reverse requests
        received = client.request("fake/seqs", check=True)["body"]["received"]
        assert received == list(range(1, len(received) + 1))
        sent_by_editor = client.next_seq() - 1
        # minus initialize (answered by the proxy); plus the proxy's own initialize and threads
        # and its refusal of evilCommand
        assert len(received) == sent_by_editor - 1 + 3
        client.request("disconnect", {}, check=True)
        seqs = [m["seq"] for m in client.messages]
        assert seqs == list(range(1, len(seqs) + 1))
