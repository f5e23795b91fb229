"""A remote machine for fault tests: a second network namespace joined to ours by a veth pair,
with addresses assigned here (10.213.N.1 ours, 10.213.N.2 the remote's), set up and torn down by
the caller (tests/e2e/test_remote_faults.py, bench/faults.py). `cut` takes the link down on the
remote side, so the peer vanishes without a FIN or RST. Needs root and iproute2.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dap_helpers import STARTUP_TIMEOUT, port_listening, wait_for

REMOTE_PORT = 5678


class NetnsUnavailable(Exception):
    """Why no network namespace can be made here."""


@dataclass(frozen=True)
class Remote:
    netns: str
    peer_link: str  # the veth end inside the namespace
    address: str  # the remote's address


def _ip(*args: str, netns: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    argv = ["ip", "netns", "exec", netns, "ip", *args] if netns else ["ip", *args]
    return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=30)


def _kill_all_in(netns: str) -> None:
    pids = subprocess.run(["ip", "netns", "pids", netns], capture_output=True, text=True)
    for pid in pids.stdout.split():
        with contextlib.suppress(OSError):
            os.kill(int(pid), 9)


@contextlib.contextmanager
def remote_namespace() -> Iterator[Remote]:
    if shutil.which("ip") is None:
        raise NetnsUnavailable("iproute2 (`ip`) is not installed")
    if os.geteuid() != 0:
        raise NetnsUnavailable("network namespaces need root")
    tag = f"{os.getpid() % 100000}"
    netns, host_link, peer_link = f"sdtest{tag}", f"sdh{tag}", f"sdp{tag}"
    made = _ip("netns", "add", netns, check=False)
    if made.returncode != 0:
        raise NetnsUnavailable(f"`ip netns add` is not permitted here: {made.stderr.strip()}")
    try:
        used = _ip("-o", "addr").stdout
        subnet = next(n for n in range(1, 250) if f"10.213.{n}." not in used)
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
def remote_debugpy(remote: Remote, program: Path) -> Iterator[subprocess.Popen[str]]:
    """`python -m debugpy --listen ADDRESS:REMOTE_PORT --wait-for-client PROGRAM` on the remote."""
    process = subprocess.Popen(
        ["ip", "netns", "exec", remote.netns, sys.executable, "-m", "debugpy", "--listen",
         f"{remote.address}:{REMOTE_PORT}", "--wait-for-client", str(program)],
        cwd=program.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        wait_for(
            lambda: port_listening(REMOTE_PORT, in_netns_of=process.pid),
            STARTUP_TIMEOUT,
            f"debugpy listening on {remote.address}:{REMOTE_PORT}",
        )
        yield process
    finally:
        _kill_all_in(remote.netns)  # the program and the adapter it started
        process.wait(STARTUP_TIMEOUT)
        assert process.stdout is not None
        process.stdout.close()


def cut(remote: Remote) -> None:
    """Take the link down on the remote's side: from here on, silence."""
    _ip("link", "set", remote.peer_link, "down", netns=remote.netns)
