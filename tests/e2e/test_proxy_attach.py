"""End to end: attach through the proxy — remote `connect` with pathMappings, `listen`,
`processId`, and an unreachable host (issue 2 section 3)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVENT_TIMEOUT
from dap_helpers import (
    PROGRAMS,
    STARTUP_TIMEOUT,
    assert_all_gone,
    descendants,
    find_markers,
    free_port,
    output_text,
    port_listening,
    processes_matching,
    spawn_proxy,
    start_debugpy_program,
    start_session,
    stopped_frame,
    wait_for,
)

pytestmark = pytest.mark.e2e

REMOTE_APP = PROGRAMS / "remote_app.py"
WAIT = PROGRAMS / "wait.py"


def finish_program(program: subprocess.Popen[str], stdin_line: str = "") -> str:
    out, _ = program.communicate(stdin_line, timeout=EVENT_TIMEOUT)
    return out


def test_remote_attach_connect_with_path_mappings_then_detach(tmp_path: Path) -> None:
    remote_root = tmp_path / "deployed"
    remote_root.mkdir()
    shutil.copy(REMOTE_APP, remote_root / "app.py")  # the program runs from another directory
    port = free_port()
    program = start_debugpy_program(
        ["--listen", f"127.0.0.1:{port}", "--wait-for-client", "app.py"], cwd=remote_root
    )
    try:
        wait_for(lambda: port_listening(port), STARTUP_TIMEOUT, f"debugpy listening on {port}")
        line = find_markers(REMOTE_APP)["compute"]
        arguments = {
            "connect": {"host": "127.0.0.1", "port": port},
            "pathMappings": [{"localRoot": str(PROGRAMS), "remoteRoot": str(remote_root)}],
            "justMyCode": True,
        }
        with spawn_proxy() as client:
            # breakpoints use the editor's (local) path of the file
            local_app = PROGRAMS / "app.py"
            start_session(client, "attach", arguments, {local_app: [{"line": line}]})
            ready = client.wait_event("smartDebug/ready")
            assert ready["body"]["mode"] == "attach-connect"
            assert "no authentication" not in output_text(client)  # loopback: not exposed
            frame = stopped_frame(client, client.wait_event("stopped"))
            assert frame["line"] == line
            assert Path(frame["source"]["path"]) == local_app  # mapped back to the local root
            client.request("disconnect", {"terminateDebuggee": False}, check=True)
        # detached: the program keeps running and finishes its own work
        out = finish_program(program, "still here\n")
        assert "before 42" in out and "after detach still here" in out
        assert program.returncode == 0
    finally:
        if program.poll() is None:
            program.kill()
            program.wait()


def test_attach_to_unreachable_host_fails_with_a_clear_message() -> None:
    port = free_port()  # nothing listens there
    with spawn_proxy() as client:
        client.request("initialize", {"adapterID": "smart-debug"}, check=True)
        response = client.request("attach", {"connect": {"host": "127.0.0.1", "port": port}})
        assert response["success"] is False
        assert f"could not connect to 127.0.0.1:{port}: connection refused" in response["message"]
        assert "python -m debugpy --listen" in response["message"]
        legacy = client.request("attach", {"host": "127.0.0.1", "port": port})
        assert "connection refused" in legacy["message"]
        client.request("disconnect", {}, check=True)


def test_attach_listen_with_program_connecting() -> None:
    port = free_port()
    line = find_markers(REMOTE_APP)["compute"]
    with spawn_proxy() as client:
        client.request("initialize", {"adapterID": "smart-debug"}, check=True)
        seq = client.send_request("attach", {"listen": {"host": "127.0.0.1", "port": port}})
        wait_for(lambda: port_listening(port), STARTUP_TIMEOUT, "the adapter listening")
        program = start_debugpy_program(
            ["--connect", f"127.0.0.1:{port}", str(REMOTE_APP)], cwd=PROGRAMS
        )
        try:
            client.wait_event("initialized")
            client.request(
                "setBreakpoints",
                {"source": {"path": str(REMOTE_APP)}, "breakpoints": [{"line": line}]},
                check=True,
            )
            client.request("configurationDone", check=True)
            client.wait_response(seq, check=True)
            assert client.wait_event("smartDebug/ready")["body"]["mode"] == "attach-listen"
            stopped = client.wait_event("stopped")
            assert stopped_frame(client, stopped)["line"] == line
            client.request(
                "setBreakpoints",
                {"source": {"path": str(REMOTE_APP)}, "breakpoints": []},
                check=True,
            )
            client.request("continue", {"threadId": stopped["body"]["threadId"]}, check=True)
            out = finish_program(program, "done\n")
            assert "after detach done" in out and program.returncode == 0
            client.wait_event("terminated")
            client.request("disconnect", {}, check=True)
        finally:
            if program.poll() is None:
                program.kill()
                program.wait()


def _ptrace_blocker() -> str | None:
    """Why attach by processId cannot work here, or None. debugpy injects with gdb calling a
    function inside the target, so probe exactly that on a throwaway process."""
    if shutil.which("gdb") is None:
        return "debugpy's attach by processId needs gdb, which is not installed"
    scope = Path("/proc/sys/kernel/yama/ptrace_scope")
    if scope.exists() and scope.read_text().strip() != "0" and os.geteuid() != 0:
        return f"ptrace is restricted (kernel.yama.ptrace_scope={scope.read_text().strip()})"
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        probe = subprocess.run(
            ["gdb", "-batch", "-nx", "-p", str(sleeper.pid), "-ex", "call (int)getpid()"],
            capture_output=True,
            text=True,
            timeout=EVENT_TIMEOUT,
        )
    finally:
        sleeper.kill()
        sleeper.wait()
    if f"= {sleeper.pid}" not in probe.stdout:
        detail = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        return f"gdb cannot call into another process on this machine ({detail})"
    return None


def test_attach_by_process_id() -> None:
    blocker = _ptrace_blocker()
    if blocker:
        pytest.skip(blocker)
    target = subprocess.Popen(
        [sys.executable, str(WAIT)], stdout=subprocess.PIPE, text=True, cwd=PROGRAMS
    )
    try:
        assert "waiting pid" in (target.stdout.readline() if target.stdout else "")
        line = find_markers(WAIT)["tick"]
        with spawn_proxy() as client:
            start_session(
                client,
                "attach",
                {"processId": target.pid, "justMyCode": True},
                {WAIT: [{"line": line}]},
            )
            assert client.wait_event("smartDebug/ready")["body"]["mode"] == "attach-pid"
            stopped = client.wait_event("stopped")
            assert stopped_frame(client, stopped)["line"] == line
            client.request("disconnect", {"terminateDebuggee": False}, check=True)
            tree = descendants(client.process.pid)
        assert target.poll() is None  # detached, still running
        assert_all_gone(tree)
    finally:
        target.kill()
        target.wait()


def test_remote_peer_vanishing_ends_the_session() -> None:
    port = free_port()
    program = start_debugpy_program(
        ["--listen", f"127.0.0.1:{port}", "--wait-for-client", str(WAIT)], cwd=PROGRAMS
    )
    try:
        wait_for(lambda: port_listening(port), STARTUP_TIMEOUT, f"debugpy listening on {port}")
        with spawn_proxy() as client:
            start_session(client, "attach", {"connect": {"host": "127.0.0.1", "port": port}})
            client.wait_event("smartDebug/ready")
            # the remote adapter (started detached by the program; it owns the socket) dies
            # without a word
            [adapter] = processes_matching("--for-server", f"--port {port}")
            os.kill(adapter, signal.SIGKILL)
            said = client.wait_event("output", lambda e: "unexpectedly" in e["body"]["output"])
            assert (
                f"the debugged program at 127.0.0.1:{port} closed the connection"
                in (said["body"]["output"])
            )
            client.wait_event("terminated")
            client.wait_event("exited")
            client.wait_closed()
            assert client.process.wait(EVENT_TIMEOUT) == 0
    finally:
        if program.poll() is None:
            program.kill()
        program.wait()
