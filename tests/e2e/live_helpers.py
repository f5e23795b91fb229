"""Helpers for the live-session tests: a scratch copy of a program or the bundled example, a full
launch through the proxy (`python -m dap_proxy`, or `--plain` for the proxy without its rooms)
that runs the program to its end while it records what the editor saw, readers for the
`smartDebug/*` events, and a long-running job observed by probes (for faults: the session is
recorded in the store while the probes observe, and bench/faults.py kills things under it)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import EVENT_TIMEOUT, wait_for
from dap_helpers import (
    REPO,
    cmdline,
    descendants,
    find_markers,
    initialize,
    spawn_proxy,
    wait_output,
)

from dap_proxy.evidence.store import Store
from dap_proxy.wire.client import DapClient

EXAMPLE = REPO / "examples" / "shopping_cart"
RUN_TIMEOUT = 60.0  # seconds: one short program run to its end under the debugger

Seen = dict[str, Any]


def copy_example(tmp_path: Path) -> Path:
    """The bundled example in a scratch folder, with its failing tests' output in failure.txt."""
    root = tmp_path / "shop"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".smart-debug", "__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert done.returncode == 1, done.stdout
    (root / "failure.txt").write_text(done.stdout)
    return root


def write_program(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(source)
    return path


@dataclass
class Run:
    """What the editor saw of one session."""

    client: DapClient
    set_breakpoints: list[dict[str, Any]] = field(default_factory=list)
    stops: list[dict[str, Any]] = field(default_factory=list)

    def events(self, name: str) -> list[dict[str, Any]]:
        return [e for e in list(self.client.events) if e["event"] == name]

    def bodies(self, name: str) -> list[dict[str, Any]]:
        return [e.get("body") or {} for e in self.events(name)]

    def output(self, *categories: str) -> str:
        """What was written in these categories, logpoints' output apart (debugpy does not keep
        its order relative to the program's own output)."""
        return "".join(
            b.get("output", "")
            for b in self.bodies("output")
            if b.get("category") in categories and "source" not in b
        )

    def last(self, name: str) -> dict[str, Any]:
        found = self.bodies(name)
        assert found, f"no {name} event among {[e['event'] for e in self.client.events]}"
        return found[-1]


def debug(
    program: Path,
    breakpoints: Mapping[Path, list[dict[str, Any]]] | None = None,
    *,
    plain: bool = False,
    extra: Mapping[str, Any] | None = None,
    before_configuration: Callable[[DapClient], None] | None = None,
    at_stop: Callable[[DapClient, dict[str, Any]], None] | None = None,
    exception_filters: tuple[str, ...] = (),
    proxy_args: tuple[str, ...] = (),
) -> Run:
    """Launch `program` through the proxy, continue at every stop (calling `at_stop` first), and
    return once the session terminated and the proxy exited."""
    client = spawn_proxy(*(("--plain",) if plain else ()), *proxy_args)
    run = Run(client)
    with client:
        initialize(client)
        arguments = {
            "program": str(program),
            "cwd": str(program.parent),
            "console": "internalConsole",
            "justMyCode": True,
            **(extra or {}),
        }
        launch = client.send_request("launch", arguments)
        client.wait_event("initialized", timeout=RUN_TIMEOUT)
        for path, items in (breakpoints or {}).items():
            answer = client.request(
                "setBreakpoints", {"source": {"path": str(path)}, "breakpoints": items}, check=True
            )
            run.set_breakpoints.append(answer["body"])
        client.request("setExceptionBreakpoints", {"filters": list(exception_filters)}, check=True)
        if before_configuration is not None:
            before_configuration(client)
        client.request("configurationDone", check=True)
        client.wait_response(launch, timeout=RUN_TIMEOUT, check=True)
        while True:
            wait_for(
                lambda: run.events("terminated") or len(run.events("stopped")) > len(run.stops),
                RUN_TIMEOUT,
                "a stop or the end of the program",
            )
            if len(run.events("stopped")) > len(run.stops):
                stopped = run.events("stopped")[len(run.stops)]
                run.stops.append(stopped["body"])
                if at_stop is not None:
                    at_stop(client, stopped["body"])
                client.request("continue", {"threadId": stopped["body"]["threadId"]}, check=True)
                continue
            break
        client.request("disconnect", {}, timeout=RUN_TIMEOUT)
    return run  # closing the connection ended the proxy (the editor's way), store writes done


def hypothesis_about(body: dict[str, Any], file: str, line: int) -> dict[str, Any]:
    """The hypothesis of a `smartDebug/hypotheses` body located at file:line."""
    for h in body["hypotheses"]:
        if any(loc["file"].endswith(file) and loc["line"] == line for loc in h["locations"]):
            return h
    raise AssertionError(f"no hypothesis about {file}:{line} in {body['hypotheses']}")


JOB = """\
import os
import time


def step(i, total):
    return total + i * 2  # @bp step


print("looping pid", os.getpid(), flush=True)
total = 0
i = 0
while True:
    total = step(i, total)
    i += 1
    time.sleep(0.002)
"""
JOB_OBSERVED = 40  # probe observations the editor has seen before `observing_job` returns
Observation = tuple[str, int, dict[str, str]]  # probe id, hit, values


def job_failure(program: Path) -> str:
    """The failure a job session starts from: a traceback through the loop's step line."""
    marks = find_markers(program)
    return (
        "Traceback (most recent call last):\n"
        f'  File "{program}", line {marks["step"] + 7}, in <module>\n    total = step(i, total)\n'
        f'  File "{program}", line {marks["step"]}, in step\n    return total + i * 2\n'
        "TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'\n"
    )


def probe_evidence(client: DapClient) -> list[dict[str, Any]]:
    """The bodies of the `smartDebug/evidence` events about probe observations, in order."""
    return [
        e["body"]
        for e in list(client.events)
        if e["event"] == "smartDebug/evidence" and e["body"]["kind"] == "probe"
    ]


def observing_job(client: DapClient, folder: Path) -> tuple[Path, int, str]:
    """Write JOB in `folder` and launch it with a failure context (the session records itself
    in the store there, and injects its hypotheses' probes) and one added logpoint; once the
    editor has seen JOB_OBSERVED of that logpoint's observations: (the program, the store's
    session id, the logpoint's probe id)."""
    program = write_program(folder, "job.py", JOB)
    line = find_markers(program)["step"]
    initialize(client)
    launch = client.send_request(
        "launch",
        {
            "program": str(program),
            "cwd": str(folder),
            "console": "internalConsole",
            "smartDebug": {"traceback": job_failure(program), "maxProbeHits": 1_000_000},
        },
    )
    client.wait_event("initialized", timeout=RUN_TIMEOUT)
    added = client.request(
        "smartDebug/addProbe",
        {"file": str(program), "line": line, "logMessage": "i={i} total={total}"},
        check=True,
    )
    probe = added["body"]["probe"]["id"]
    client.request("setExceptionBreakpoints", {"filters": []}, check=True)
    client.request("configurationDone", check=True)
    client.wait_response(launch, timeout=RUN_TIMEOUT, check=True)
    wait_for(
        lambda: sum(b["probe"] == probe for b in probe_evidence(client)) >= JOB_OBSERVED,
        RUN_TIMEOUT,
        f"{JOB_OBSERVED} observations of the added probe",
    )
    [session] = {b["session"] for b in probe_evidence(client)}
    return program, session, probe


def job_process(client: DapClient, which: str) -> int:
    """The pid of the job session's debugpy adapter (`which` "adapter") or of the debuggee."""
    if which == "adapter":
        assert client.process is not None
        tree = descendants(client.process.pid)
        [pid] = [p for p in tree if "dap_proxy.proxy.nodelay" in cmdline(p)]
        return pid
    return int(wait_output(client, r"looping pid (\d+)\n", "stdout").group(1))


def stored_observations(workspace: Path, session: int) -> tuple[list[Observation], str]:
    """The probe observations the store holds for `session`, in the order written, and
    SQLite's integrity check of the file ("ok" when sound)."""
    with Store.open(workspace) as store:
        stored = [(e.probe, e.hit or 0, e.values) for e in store.evidence(session) if e.probe]
        db = sqlite3.connect(store.path)
        try:
            integrity = str(db.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            db.close()
    return stored, integrity


def shown_observations(client: DapClient) -> list[Observation]:
    return [(b["probe"], b["hit"], b["values"]) for b in probe_evidence(client)]
