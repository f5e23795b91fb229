"""The probes the analysis proposes, set in a real debugpy: log messages interpolate, the
entry logpoint fires on the first body line, and a proposed condition is evaluated by debugpy
and stops where the branch is taken (DESIGN: "one-click breakpoints")."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from conftest import EVENT_TIMEOUT, wait_for

from dap_proxy.analysis.engine import analyze_file
from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure, ProbeKind
from dap_proxy.analysis.probes import candidate_probes, probes_at_line
from dap_proxy.wire.client import DapClient

PROGRAM = Path(__file__).parent.parent / "data" / "analysis" / "crash_demo.py"


def marker(name: str) -> int:
    for number, text in enumerate(PROGRAM.read_text().splitlines(), start=1):
        if text.rstrip().endswith(f"@{name}"):
            return number
    raise AssertionError(name)


def run_with(breakpoints: list[dict[str, object]]) -> DapClient:
    client = DapClient.spawn([sys.executable, "-m", "debugpy.adapter"])
    client.request(
        "initialize",
        {
            "clientID": "analysis-tests",
            "adapterID": "debugpy",
            "linesStartAt1": True,
            "columnsStartAt1": True,
            "pathFormat": "path",
        },
        check=True,
    )
    launch = client.send_request(
        "launch",
        {
            "program": str(PROGRAM),
            "console": "internalConsole",
            "cwd": str(PROGRAM.parent),
            "justMyCode": True,
        },
    )
    client.wait_event("initialized", timeout=EVENT_TIMEOUT)
    response = client.request(
        "setBreakpoints",
        {"source": {"path": str(PROGRAM)}, "breakpoints": breakpoints},
        check=True,
    )
    assert all(b["verified"] for b in response["body"]["breakpoints"]), response
    client.request("setExceptionBreakpoints", {"filters": []}, check=True)
    client.request("configurationDone", check=True)
    client.wait_response(launch, check=True)
    return client


def output(client: DapClient) -> str:
    return "".join(
        e["body"].get("output", "") for e in list(client.events) if e["event"] == "output"
    )


def test_logpoints_from_a_failure_print_the_values_in_debugpy() -> None:
    failure = ParsedFailure(
        exceptions=[
            ExceptionInfo(
                type="ZeroDivisionError",
                frames=[
                    Frame(file=str(PROGRAM), line=marker("crash") + 3),
                    Frame(file=str(PROGRAM), line=marker("crash")),
                ],
            )
        ]
    )
    probes = candidate_probes(failure, limit=8)
    logpoints = [p for p in probes if p.kind == ProbeKind.LOGPOINT]
    assert logpoints and probes[0].line == marker("crash")
    with run_with([p.to_source_breakpoint() for p in logpoints]) as client:
        crash = marker("crash")
        wait_for(
            lambda: re.search(rf"average:{crash}: count=0, total=-1\n", output(client)),
            EVENT_TIMEOUT,
            "the crash-line logpoint",
        )
        # The program still fails as it did; its traceback comes after the logpoints, in
        # output events that are not line-aligned, so wait for it rather than assert at once.
        client.wait_event("terminated", timeout=EVENT_TIMEOUT)
        text = wait_for(
            lambda: "ZeroDivisionError" in output(client) and output(client),
            EVENT_TIMEOUT,
            "the program's ZeroDivisionError",
        )
        assert re.search(r"average:\d+: values=\[None, None\], scale=2\n", text), text
        logged = [line for line in text.splitlines() if line.startswith("[smart-debug]")]
        assert logged and not any("rror" in line for line in logged), logged


def test_a_proposed_condition_stops_where_the_branch_is_taken() -> None:
    analysis = analyze_file(PROGRAM)
    probes = probes_at_line(analysis, marker("scaled"))
    guard = next(p for p in probes if p.kind == ProbeKind.CONDITIONAL)
    assert guard.condition == "scale > 1"
    with run_with([guard.to_source_breakpoint()]) as client:
        stopped = client.wait_event("stopped", timeout=EVENT_TIMEOUT)
        assert stopped["body"]["reason"] == "breakpoint"
        thread = stopped["body"]["threadId"]
        frames = client.request("stackTrace", {"threadId": thread}, check=True)
        assert frames["body"]["stackFrames"][0]["line"] == guard.line
        client.request("continue", {"threadId": thread}, check=True)
        client.wait_event("terminated", timeout=EVENT_TIMEOUT)
