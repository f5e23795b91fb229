"""Faults: how long the proxy takes to clean up or to tell the editor, with a real debugpy.

1. The editor vanishes without `disconnect` (stdio pipe closed; `--port` socket closed): time
   until the adapter, the launcher and the debuggee are all gone (target <= 5 s).
2. debugpy's adapter is killed (SIGKILL) mid-session: time until the editor has the `output`,
   `terminated` and `exited` events.
3. A remote `debugpy --listen` vanishes (its network namespace's link cut, no FIN/RST; needs root
   and `ip netns`, else reported as skipped): time until the editor is told (target <= the
   proxy's PEER_SILENCE_LIMIT plus 5 s).

Uses the end-to-end tests' helpers (tests/e2e/dap_helpers.py, netns.py). Exit status 1 when a
target is missed.

    .venv/bin/python bench/faults.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "e2e")]
from dap_helpers import (  # noqa: E402
    PROGRAMS,
    PROXY_ARGV,
    alive,
    cmdline,
    descendants,
    launch_arguments,
    spawn_proxy,
    start_session,
    wait_output,
)
from netns import REMOTE_PORT, NetnsUnavailable, cut, remote_debugpy, remote_namespace  # noqa: E402

from dap_proxy.proxy.network import PEER_SILENCE_LIMIT  # noqa: E402
from dap_proxy.wire.client import DapClient  # noqa: E402

WAIT = PROGRAMS / "wait.py"
CLEANUP_TARGET = 5.0  # seconds
PEER_TARGET = PEER_SILENCE_LIMIT + 5.0  # seconds
GIVE_UP = 60.0  # seconds: a measurement that takes longer is reported as a miss
POLL = 0.005  # seconds between looks at the process table


def seconds_until(done: Callable[[], bool], started: float) -> float:
    """Seconds from `started` (a perf_counter reading) until `done()`."""
    while not done():
        if time.perf_counter() - started > GIVE_UP:
            return float("inf")
        time.sleep(POLL)
    return time.perf_counter() - started


def launched(client: DapClient, proxy_pid: int) -> set[int]:
    """Launch wait.py; the proxy's process tree once the debuggee runs."""
    start_session(client, "launch", launch_arguments(WAIT))
    debuggee = int(wait_output(client, r"waiting pid (\d+)\n", "stdout").group(1))
    return descendants(proxy_pid) | {debuggee}


def editor_vanishes_stdio() -> float:
    client = spawn_proxy()
    assert client.process is not None
    tree = launched(client, client.process.pid)
    started = time.perf_counter()
    client.close()
    return seconds_until(lambda: not any(map(alive, tree)), started)


def editor_vanishes_tcp() -> float:
    proxy = subprocess.Popen(
        [*PROXY_ARGV, "--port", "0"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proxy.stdout is not None
        port = int(re.findall(r":(\d+)", proxy.stdout.readline())[-1])
        client = DapClient.connect("127.0.0.1", port)
        tree = launched(client, proxy.pid)
        started = time.perf_counter()
        client.close()
        return seconds_until(lambda: not any(map(alive, tree)), started)
    finally:
        proxy.send_signal(signal.SIGTERM)
        proxy.wait(GIVE_UP)


def adapter_killed() -> float:
    with spawn_proxy() as client:
        assert client.process is not None
        tree = launched(client, client.process.pid)
        [adapter] = [p for p in tree if "dap_proxy.proxy.nodelay" in cmdline(p)]
        mark = client.mark()
        os.kill(adapter, signal.SIGKILL)
        started = time.perf_counter()
        for event in ("output", "terminated", "exited"):
            client.wait_event(event, since=mark, timeout=GIVE_UP)
        return time.perf_counter() - started


def remote_vanishes() -> float | str:
    try:
        with remote_namespace() as remote, remote_debugpy(remote, WAIT), spawn_proxy() as client:
            start_session(
                client, "attach", {"connect": {"host": remote.address, "port": REMOTE_PORT}}
            )
            client.wait_event("smartDebug/ready")
            cut(remote)
            started = time.perf_counter()
            client.wait_event(
                "output", lambda e: "unexpectedly" in e["body"]["output"], timeout=GIVE_UP
            )
            return time.perf_counter() - started
    except NetnsUnavailable as exc:
        return f"skipped: {exc}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "editor_vanishes_stdio_s": editor_vanishes_stdio(),
        "editor_vanishes_tcp_s": editor_vanishes_tcp(),
        "adapter_killed_s": adapter_killed(),
        "remote_vanishes_s": remote_vanishes(),
    }
    missed = [
        f"{name} {value:.2f} s > {target:g} s"
        for name, target in (
            ("editor_vanishes_stdio_s", CLEANUP_TARGET),
            ("editor_vanishes_tcp_s", CLEANUP_TARGET),
            ("adapter_killed_s", CLEANUP_TARGET),
            ("remote_vanishes_s", PEER_TARGET),
        )
        if isinstance(value := results[name], float) and value > target
    ]
    if args.json:
        print(json.dumps({**results, "missed": missed}, indent=2))
        return 1 if missed else 0
    remote = results["remote_vanishes_s"]
    print("Faults with a real debugpy (seconds)")
    print(
        f"  editor vanishes (stdio): adapter + debuggee gone in {results['editor_vanishes_stdio_s']:.2f} (target <= {CLEANUP_TARGET:g})"
    )
    print(
        f"  editor vanishes (--port): adapter + debuggee gone in {results['editor_vanishes_tcp_s']:.2f} (target <= {CLEANUP_TARGET:g})"
    )
    print(
        f"  adapter SIGKILLed: editor has output, terminated, exited in {results['adapter_killed_s']:.2f}"
    )
    if isinstance(remote, float):
        print(
            f"  remote peer vanishes (link cut): editor told in {remote:.2f} (target <= {PEER_TARGET:g})"
        )
    else:
        print(f"  remote peer vanishes: {remote}")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
