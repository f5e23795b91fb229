"""End to end: a remote `debugpy --listen` that vanishes. The program runs in a second network
namespace joined to ours by a veth pair (set up and torn down here, addresses assigned here);
the proxy attaches to it, then the link is cut on the remote side, so no FIN or RST ever comes:
the proxy must notice the silence itself (dap_proxy/proxy/network.py), tell the editor within
PEER_LOST_TIMEOUT, and hang nothing. Needs root and `ip netns`; skipped with the reason otherwise.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from dap_helpers import (
    PROGRAMS,
    STARTUP_TIMEOUT,
    output_text,
    port_listening,
    spawn_proxy,
    start_session,
    wait_for,
)

from dap_proxy.proxy.network import PEER_SILENCE_LIMIT

pytestmark = pytest.mark.e2e

# The proxy gives a silent peer up after PEER_SILENCE_LIMIT; the rest is room for a loaded
# machine (keepalive probes and retransmissions are timed by the kernel, not by us).
PEER_LOST_TIMEOUT = PEER_SILENCE_LIMIT + 20.0
REMOTE_PORT = 5678
WAIT = PROGRAMS / "wait.py"


@dataclass(frozen=True)
class Remote:
    netns: str
    peer_link: str  # the veth end inside the namespace
    address: str  # the remote program's address, in the namespace


def _ip(*args: str, netns: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    argv = ["ip", "netns", "exec", netns, "ip", *args] if netns else ["ip", *args]
    return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=30)


def _free_subnet() -> int:
    """A 10.213.N.0/30 that no interface of ours uses."""
    used = _ip("-o", "addr").stdout
    return next(n for n in range(1, 250) if f"10.213.{n}." not in used)


def _kill_all_in(netns: str) -> None:
    pids = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True)
    for pid in pids.stdout.split():
        with contextlib.suppress(OSError):
            os.kill(int(pid), 9)


@pytest.fixture
def remote() -> Iterator[Remote]:
    if shutil.which("ip") is None:
        pytest.skip("iproute2 (`ip`) is not installed")
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    tag = f"{os.getpid() % 100000}"
    netns, host_link, peer_link = f"sdtest{tag}", f"sdh{tag}", f"sdp{tag}"
    made = _ip("netns", "add", netns, check=False)
    if made.returncode != 0:
        pytest.skip(f"`ip netns add` is not permitted here: {made.stderr.strip()}")
    try:
        subnet = _free_subnet()
        _ip("link", "add", host_link, "type", "veth", "peer", "name", peer_link)
        _ip("link", "set", peer_link, "netns", netns)
        _ip("addr", "add", f"10.213.{subnet}.1/30", "dev", host_link)
        _ip("link", "set", host_link, "up")
        _ip("addr", "add", f"10.213.{subnet}.2/30", "dev", peer_link, netns=netns)
        _ip("link", "set", peer_link, "up", netns=netns)
        _ip("link", "set", "lo", "up", netns=netns)
        yield Remote(netns, peer_link, f"10.213.{subnet}.2")
    finally:
        _kill_all_in(netns)
        _ip("link", "del", host_link, check=False)  # deletes both ends
        _ip("netns", "del", netns, check=False)


@contextlib.contextmanager
def remote_program(remote: Remote) -> Iterator[subprocess.Popen[str]]:
    """`python -m debugpy --listen ADDRESS:PORT --wait-for-client wait.py` in the namespace."""
    program = subprocess.Popen(
        ["ip", "netns", "exec", remote.netns, sys.executable, "-m", "debugpy", "--listen",
         f"{remote.address}:{REMOTE_PORT}", "--wait-for-client", str(WAIT)],
        cwd=PROGRAMS,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        wait_for(
            lambda: port_listening(REMOTE_PORT, in_netns_of=program.pid),
            STARTUP_TIMEOUT,
            f"debugpy listening on {remote.address}:{REMOTE_PORT}",
        )
        yield program
    finally:
        _kill_all_in(remote.netns)  # the program and the adapter it started
        program.wait(STARTUP_TIMEOUT)
        assert program.stdout is not None
        program.stdout.close()


@pytest.mark.parametrize("after_cut", ["idle", "request pending"])
def test_a_vanished_remote_peer_is_noticed_and_the_editor_told(
    remote: Remote, after_cut: str
) -> None:
    with remote_program(remote), spawn_proxy() as client:
        target = {"host": remote.address, "port": REMOTE_PORT}
        start_session(client, "attach", {"connect": target})
        client.wait_event("smartDebug/ready")
        # attaching off this machine works, with a warning and the way to avoid the exposure
        warned = output_text(client)
        assert "no authentication or encryption" in warned
        tunnel = f"ssh -N -L {REMOTE_PORT}:127.0.0.1:{REMOTE_PORT} user@{remote.address}"
        assert tunnel in warned and f"connect to 127.0.0.1:{REMOTE_PORT}" in warned

        _ip("link", "set", remote.peer_link, "down", netns=remote.netns)  # silence, no FIN/RST
        pending = client.send_request("threads") if after_cut == "request pending" else None
        said = client.wait_event(
            "output", lambda e: "unexpectedly" in e["body"]["output"], timeout=PEER_LOST_TIMEOUT
        )
        assert f"the debugged program at {remote.address}:{REMOTE_PORT}" in said["body"]["output"]
        client.wait_event("terminated", timeout=PEER_LOST_TIMEOUT)
        client.wait_event("exited", timeout=PEER_LOST_TIMEOUT)
        if pending is not None:  # the editor's request is answered, not left hanging
            failed = client.wait_response(pending, timeout=PEER_LOST_TIMEOUT)
            assert failed["success"] is False and "before answering" in failed["message"]
        client.wait_closed(timeout=PEER_LOST_TIMEOUT)
        assert client.process is not None
        assert client.process.wait(PEER_LOST_TIMEOUT) == 0
