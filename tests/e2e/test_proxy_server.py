"""End to end: `smart-debug dap --port`, sessions one after another until stopped, one editor at a
time, an editor that vanishes, and the loopback-only bind (dap_proxy/proxy/server.py)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import EVENT_TIMEOUT
from dap_helpers import (
    PROGRAMS,
    PROXY_ARGV,
    REPO,
    assert_all_gone,
    descendants,
    launch_arguments,
    start_session,
    wait_output,
)

from dap_proxy.wire.client import DapClient

pytestmark = pytest.mark.e2e

HELLO = PROGRAMS / "hello.py"
WAIT = PROGRAMS / "wait.py"


@contextmanager
def server(
    *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`python -m dap_proxy --port 0 ARGS` and the port it printed; killed if still running."""
    proxy = subprocess.Popen(
        [*PROXY_ARGV, "--port", "0", *args],
        env={**os.environ, **(env or {})},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.stdout is not None
        banner = proxy.stdout.readline()
        match = re.search(r"listening on [^ ]+:(\d+)", banner)
        assert match, banner + (proxy.stderr.read() if proxy.stderr else "")
        yield proxy, int(match.group(1))
    finally:
        if proxy.poll() is None:
            proxy.kill()
        proxy.communicate(timeout=EVENT_TIMEOUT)


def stop(proxy: subprocess.Popen[str], how: signal.Signals) -> str:
    """Send `how`; the server exits 0 without a traceback of its own (debugpy's adapter logs
    its own, indented, to the same stderr; a known race of debugpy at disconnect). Returns its
    stderr."""
    proxy.send_signal(how)
    _, err = proxy.communicate(timeout=EVENT_TIMEOUT)
    assert proxy.returncode == 0, err
    assert not re.search(r"^Traceback", err, re.MULTILINE), err
    return err


def test_sessions_one_after_another_each_fresh_until_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "traffic.jsonl"
    with server(env={"SMART_DEBUG_LOG": str(log)}) as (proxy, port):
        for _ in range(3):  # the second F5 is not "connection refused"
            with DapClient.connect("127.0.0.1", port) as client:
                start_session(client, "launch", launch_arguments(HELLO))
                assert client.wait_event("exited")["body"]["exitCode"] == 0
                client.wait_event("terminated")
                client.request("disconnect", {}, check=True)
                client.wait_closed()
            # a fresh session: numbering starts again at 1 and nothing of the last one shows
            assert [m["seq"] for m in client.messages] == list(range(1, len(client.messages) + 1))
            assert sum(e["event"] == "exited" for e in client.events) == 1
        assert proxy.poll() is None  # still serving
        stop(proxy, signal.SIGTERM)
    notes = [json.loads(line) for line in log.read_text().splitlines()]
    assert sum("session ends" in str(r.get("note", "")) for r in notes) == 3


def test_a_second_editor_is_refused_and_never_joins_the_running_session() -> None:
    with server() as (proxy, port), DapClient.connect("127.0.0.1", port) as first:
        start_session(first, "launch", launch_arguments(WAIT))
        first.wait_event("smartDebug/ready")
        with DapClient.connect("127.0.0.1", port) as second:
            refused = second.request("initialize", {"adapterID": "smart-debug"})
            assert refused["success"] is False
            assert "serving another editor" in refused["message"]
            said = second.wait_event("output")
            assert said["body"]["category"] == "important"
            assert "one at a time" in said["body"]["output"]
            second.wait_closed()
        # the first session never saw the second editor and goes on
        assert not any(m.get("command") == "initialize" for m in first.messages[1:])
        assert first.request("threads", check=True)["body"]["threads"]
        first.request("disconnect", {}, check=True)
        first.wait_closed()
        with DapClient.connect("127.0.0.1", port) as third:  # served once the port is free
            assert third.request("initialize", {"adapterID": "x"}, check=True)["success"]
            third.request("disconnect", {}, check=True)
        stop(proxy, signal.SIGTERM)


def test_an_editor_vanishing_stops_adapter_and_debuggee_and_the_server_goes_on() -> None:
    with server() as (proxy, port):
        client = DapClient.connect("127.0.0.1", port)
        try:
            start_session(client, "launch", launch_arguments(WAIT))
            debuggee = int(wait_output(client, r"waiting pid (\d+)\n", "stdout").group(1))
            tree = descendants(proxy.pid)
            assert debuggee in tree and len(tree) >= 2  # adapter, launcher, debuggee
        finally:
            client.close()  # the socket closes without a disconnect
        assert_all_gone(tree)  # within SHUTDOWN_TIMEOUT (5 s)
        with DapClient.connect("127.0.0.1", port) as client:
            assert client.request("initialize", {"adapterID": "x"}, check=True)["success"]
            client.request("disconnect", {}, check=True)
        assert proxy.poll() is None


def test_ctrl_c_ends_the_running_session_like_a_disconnect() -> None:
    with server() as (proxy, port), DapClient.connect("127.0.0.1", port) as client:
        start_session(client, "launch", launch_arguments(WAIT))
        debuggee = int(wait_output(client, r"waiting pid (\d+)\n", "stdout").group(1))
        tree = descendants(proxy.pid)
        stop(proxy, signal.SIGINT)
        client.wait_closed()
        assert_all_gone(tree | {debuggee})


def test_stdio_session_stopped_by_sigterm_leaves_no_process() -> None:
    with DapClient.spawn([*PROXY_ARGV], cwd=REPO) as client:
        start_session(client, "launch", launch_arguments(WAIT))
        wait_output(client, r"waiting pid \d+\n", "stdout")
        assert client.process is not None
        tree = descendants(client.process.pid)
        client.process.send_signal(signal.SIGTERM)
        client.wait_closed()
        assert client.process.wait(EVENT_TIMEOUT) == 0
    assert_all_gone(tree)


def test_a_non_loopback_bind_is_refused_unless_allowed() -> None:
    refused = subprocess.run(
        [*PROXY_ARGV, "--port", "0", "--host", "0.0.0.0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert refused.returncode == 2
    assert "refusing to listen on 0.0.0.0" in refused.stderr
    assert "--allow-remote" in refused.stderr and "ssh -N -L" in refused.stderr
    with server("--host", "0.0.0.0", "--allow-remote") as (proxy, port):
        with DapClient.connect("127.0.0.1", port) as client:
            assert client.request("initialize", {"adapterID": "x"}, check=True)["success"]
            client.request("disconnect", {}, check=True)
        err = stop(proxy, signal.SIGTERM)
    assert "WARNING: listening on 0.0.0.0" in err
    with server("--host", "localhost") as (proxy, _):
        stop(proxy, signal.SIGTERM)
