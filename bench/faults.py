"""Faults: how long the proxy takes to clean up or to tell the editor, with a real debugpy.

1. The editor vanishes without `disconnect` (stdio pipe closed; `--port` socket closed): time
   until the adapter, the launcher and the debuggee are all gone (target <= 5 s).
2. debugpy's adapter is killed (SIGKILL) mid-session: time until the editor has the `output`,
   `terminated` and `exited` events.
3. A remote `debugpy --listen` vanishes (its network namespace's link cut, no FIN/RST; needs root
   and `ip netns`, else reported as skipped): time until the editor is told (target <= the
   proxy's PEER_SILENCE_LIMIT plus 5 s).
4. In a live session recorded in the store, with probes observing a running loop: debugpy's
   adapter SIGKILLed, then the debuggee SIGKILLed: the probe observations the editor was shown
   and how many of them the store holds afterwards (target: all), and the time until the
   editor has `terminated`.
5. The proxy itself SIGKILLed while it writes a live session's evidence, ROUNDS times at
   different moments: evidence rows committed before the kill that are missing afterwards
   (target 0) and SQLite's integrity check of the file (target "ok" every time).

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
import tempfile
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
from live_helpers import (  # noqa: E402
    job_process,
    observing_job,
    shown_observations,
    stored_observations,
)
from netns import REMOTE_PORT, NetnsUnavailable, cut, remote_debugpy, remote_namespace  # noqa: E402

from dap_proxy.proxy.network import PEER_SILENCE_LIMIT  # noqa: E402
from dap_proxy.wire.client import DapClient  # noqa: E402

WAIT = PROGRAMS / "wait.py"
CLEANUP_TARGET = 5.0  # seconds
PEER_TARGET = PEER_SILENCE_LIMIT + 5.0  # seconds
GIVE_UP = 60.0  # seconds: a measurement that takes longer is reported as a miss
POLL = 0.005  # seconds between looks at the process table
ROUNDS = 5  # proxy kills mid-write
KILL_AFTER_ROWS = (20, 60, 120, 250, 400)  # committed rows seen before each round's kill


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


def live_killed(what: str) -> dict[str, Any]:
    """A live session observing a loop; `what` ("adapter" or "debuggee") SIGKILLed."""
    with tempfile.TemporaryDirectory() as tmp, spawn_proxy() as client:
        assert client.process is not None
        program, session, _ = observing_job(client, Path(tmp) / "job")
        mark = client.mark()
        os.kill(job_process(client, what), signal.SIGKILL)
        started = time.perf_counter()
        client.wait_event("terminated", since=mark, timeout=GIVE_UP)
        seconds = time.perf_counter() - started
        if what == "debuggee":
            client.request("disconnect", {})
        client.wait_closed(timeout=GIVE_UP)
        shown = shown_observations(client)
        stored, integrity = stored_observations(program.parent, session)
    kept = sum(item in stored for item in shown)
    return {"shown": len(shown), "kept": kept, "integrity": integrity, "seconds": seconds}


def kill_mid_write(rows: int) -> tuple[list[Any], list[Any], str]:
    """One live session, the proxy SIGKILLed once the store holds `rows` observations: (those
    read just before the kill, those there afterwards, the integrity check afterwards)."""
    with tempfile.TemporaryDirectory() as tmp, spawn_proxy() as client:
        assert client.process is not None
        program, session, _ = observing_job(client, Path(tmp) / "job")
        before: list[Any] = []

        def committed_enough() -> bool:
            before[:] = stored_observations(program.parent, session)[0]
            return len(before) >= rows

        seconds_until(committed_enough, time.perf_counter())
        client.process.kill()
        client.wait_closed(timeout=GIVE_UP)
        after, integrity = stored_observations(program.parent, session)
    return before, after, integrity


def proxy_killed_mid_write() -> dict[str, Any]:
    """ROUNDS live sessions, the proxy SIGKILLed after a different number of committed rows."""
    committed = lost = 0
    sound = True
    for rows in KILL_AFTER_ROWS[:ROUNDS]:
        before, after, integrity = kill_mid_write(rows)
        committed += len(before)
        lost += sum(item not in after for item in before)
        sound = sound and integrity == "ok"
    return {"rounds": ROUNDS, "committed": committed, "lost": lost, "sound": sound}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "editor_vanishes_stdio_s": editor_vanishes_stdio(),
        "editor_vanishes_tcp_s": editor_vanishes_tcp(),
        "adapter_killed_s": adapter_killed(),
        "remote_vanishes_s": remote_vanishes(),
        "live_adapter_killed": live_killed("adapter"),
        "live_debuggee_killed": live_killed("debuggee"),
        "proxy_killed_mid_write": proxy_killed_mid_write(),
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
    for name in ("live_adapter_killed", "live_debuggee_killed"):
        live = results[name]
        if live["kept"] != live["shown"] or live["integrity"] != "ok":
            missed.append(f"{name}: {live['kept']} of {live['shown']} observations kept")
    written = results["proxy_killed_mid_write"]
    if written["lost"] or not written["sound"]:
        missed.append(f"proxy killed mid-write: {written['lost']} committed rows lost")
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
    for name, label in (("live_adapter_killed", "adapter"), ("live_debuggee_killed", "debuggee")):
        live = results[name]
        print(
            f"  live session, {label} SIGKILLed: {live['kept']} of {live['shown']} observations "
            f"shown are in the store (integrity {live['integrity']}); terminated in "
            f"{live['seconds']:.2f}"
        )
    written = results["proxy_killed_mid_write"]
    print(
        f"  proxy SIGKILLed while writing evidence, {written['rounds']} rounds: "
        f"{written['lost']} of {written['committed']} committed rows lost, database sound: "
        f"{written['sound']}"
    )
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
