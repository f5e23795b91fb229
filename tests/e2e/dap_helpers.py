"""Helpers for end-to-end tests: start the proxy, find `# @bp` marker lines, drive the usual
launch sequence, make a real failure to triage, and check that no process outlives its test (via
/proc, no psutil).

Markers: a line ending in `# @bp NAME` is breakpoint line NAME (`find_markers(path)["NAME"]`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from conftest import EVENT_TIMEOUT, wait_for

from dap_proxy.wire.client import DapClient

PROGRAMS = Path(__file__).resolve().parent / "programs"
REPO = Path(__file__).resolve().parents[2]
PROXY_ARGV = [sys.executable, "-m", "dap_proxy"]
SHUTDOWN_TIMEOUT = 5.0  # seconds: the bound for adapter/debuggee exit after the editor goes
STARTUP_TIMEOUT = 30.0  # seconds: a debugpy process comes up (listening port, first event)

_MARKER = re.compile(r"#\s*@bp\s+(\w+)")


def find_markers(path: Path | str) -> dict[str, int]:
    """{name: 1-based line} for every `# @bp NAME` marker in the file."""
    markers: dict[str, int] = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        match = _MARKER.search(line)
        if match:
            markers[match.group(1)] = number
    return markers


def spawn_proxy(*args: str, env: Mapping[str, str] | None = None) -> DapClient:
    """`python -m dap_proxy [args]` as a DAP client connection over its stdio."""
    full_env = dict(os.environ if env is None else env)
    full_env.setdefault("PYTHONUNBUFFERED", "1")
    return DapClient.spawn([*PROXY_ARGV, *args], env=full_env, cwd=str(REPO))


def initialize(client: DapClient, **extra: Any) -> dict[str, Any]:
    arguments = {
        "clientID": "smart-debug-tests",
        "adapterID": "smart-debug",
        "pathFormat": "path",
        "linesStartAt1": True,
        "columnsStartAt1": True,
        **extra,
    }
    return client.request("initialize", arguments, check=True)["body"]


def start_session(
    client: DapClient,
    command: str,
    arguments: Mapping[str, Any],
    breakpoints: Mapping[str | Path, list[dict[str, Any]]] | None = None,
    exception_filters: Iterable[str] = (),
    initialize_extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """initialize, launch/attach, breakpoints at `initialized`, configurationDone; returns the
    launch/attach response (which debugpy sends after configurationDone)."""
    initialize(client, **(initialize_extra or {}))
    seq = client.send_request(command, dict(arguments))
    client.wait_event("initialized")
    for path, items in (breakpoints or {}).items():
        response = client.request(
            "setBreakpoints", {"source": {"path": str(path)}, "breakpoints": items}, check=True
        )
        assert all(b["verified"] for b in response["body"]["breakpoints"]), response
    client.request("setExceptionBreakpoints", {"filters": list(exception_filters)}, check=True)
    client.request("configurationDone", check=True)
    return client.wait_response(seq, check=True)


def launch_arguments(program: Path, **extra: Any) -> dict[str, Any]:
    return {
        "program": str(program),
        "console": "internalConsole",
        "cwd": str(program.parent),
        "justMyCode": True,
        **extra,
    }


def output_text(client: DapClient, category: str | None = None) -> str:
    return "".join(
        e["body"].get("output", "")
        for e in list(client.events)
        if e["event"] == "output" and (category is None or e["body"].get("category") == category)
    )


def wait_output(client: DapClient, pattern: str, category: str | None = None) -> re.Match[str]:
    """Wait until the joined output matches `pattern` (stdout events are not line-aligned, so
    match whole lines, e.g. ending in `\\n`)."""
    return wait_for(
        lambda: re.search(pattern, output_text(client, category)), what=f"output {pattern!r}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_listening(port: int, in_netns_of: int | None = None) -> bool:
    """True when some process listens on port `port`, seen in /proc (no probe connection,
    which debugpy would take for its client); in the network namespace of process
    `in_netns_of` when given, else in ours."""
    needle = f":{port:04X} "
    base = f"/proc/{in_netns_of}/net" if in_netns_of is not None else "/proc/net"
    for table in (f"{base}/tcp", f"{base}/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and (fields[1] + " ").endswith(needle) and fields[3] == "0A":
                return True
    return False


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, ppid) of a process, None when it does not exist."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2 :].split()
    return rest[0], int(rest[1])


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped is not alive)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def descendants(pid: int) -> set[int]:
    """All live processes below `pid` right now."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[0] not in ("Z", "X"):
                parents.setdefault(stat[1], []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def processes_matching(*parts: str) -> list[int]:
    """Live processes whose command line contains every one of `parts`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and alive(int(entry)):
            line = cmdline(int(entry))
            if all(part in line for part in parts):
                found.append(int(entry))
    return found


def processes_working_in(folder: Path) -> list[int]:
    """Live processes whose working folder is inside `folder`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and alive(int(entry)):
            try:
                cwd = os.readlink(f"/proc/{entry}/cwd")
            except OSError:
                continue
            if cwd.startswith(str(folder) + os.sep):
                found.append(int(entry))
    return found


def ratings_failure(target: Path) -> str:
    """Copy the example failures to `target` and run its ratings.py there: the issue text a
    person would paste, with the real traceback it printed."""
    shutil.copytree(
        Path(__file__).resolve().parents[2] / "examples" / "failures",
        target,
        ignore=shutil.ignore_patterns(".smart-debug"),
    )
    run = subprocess.run(
        [sys.executable, "ratings.py"],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert run.returncode == 1 and "ZeroDivisionError" in run.stderr
    return "The ratings page crashes for new products.\n" + run.stderr


def assert_scratch_cleaned(scratch: Path, timeout: float = EVENT_TIMEOUT) -> None:
    """No process left working in `scratch` (localize's copies there), and the copies removed."""
    wait_for(lambda: not processes_working_in(scratch), timeout, "localize's processes to end")
    wait_for(lambda: not any(scratch.iterdir()), timeout, "the scratch copies to go")


def assert_all_gone(pids: Iterable[int], timeout: float = SHUTDOWN_TIMEOUT) -> None:
    pids = set(pids)
    try:
        wait_for(lambda: not any(alive(p) for p in pids), timeout, "processes to exit")
    except TimeoutError:
        left = {p: cmdline(p) for p in pids if alive(p)}
        for pid in left:  # do not leak them into the next test
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        raise AssertionError(f"processes left running: {left}") from None


def start_debugpy_program(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """`python -m debugpy ARGS` (a program the user started under debugpy)."""
    return subprocess.Popen(
        [sys.executable, "-m", "debugpy", *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def stopped_frame(client: DapClient, stopped: dict[str, Any]) -> dict[str, Any]:
    thread = stopped["body"]["threadId"]
    frames = client.request("stackTrace", {"threadId": thread}, check=True)["body"]["stackFrames"]
    return frames[0]


def frame_locals(client: DapClient, frame_id: int) -> dict[str, str]:
    scopes = client.request("scopes", {"frameId": frame_id}, check=True)["body"]["scopes"]
    local = next(s for s in scopes if s["name"].lower().startswith("locals"))
    variables = client.request(
        "variables", {"variablesReference": local["variablesReference"]}, check=True
    )["body"]["variables"]
    return {v["name"]: v["value"] for v in variables}
