"""End to end under load: 100,000 lines of program output through the proxy with a real debugpy
(none lost or reordered, bounded proxy memory; bench/load.py measures the same runs), also in a
live session whose logpoint is hit in the same loop; 1,000 breakpoints of the editor's in one
file merged with the live session's probes; and a slow adapter whose held responses block
neither its events nor other responses."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from dap_helpers import PROGRAMS, REPO, initialize, spawn_proxy
from live_helpers import RUN_TIMEOUT, write_program

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("bench_load", REPO / "bench" / "load.py")
assert _spec is not None and _spec.loader is not None
bench_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_load)

LINES = 100_000
PROBE_HITS = 2000  # the logpoint's budget in the live flood (bench/load.py runs 10,000)
BURST = 2000
USER_BREAKPOINTS = 1000
# debugpy takes seconds of CPU for each list of a thousand (it consolidates its breakpoints
# after every one it adds): four lists on a loaded 2-core machine take minutes.
THOUSAND_TIMEOUT = 480


def test_an_output_flood_arrives_whole_and_in_order_with_bounded_proxy_memory() -> None:
    result = bench_load.flood(LINES)
    assert (result["received"], result["lost"], result["in_order"]) == (LINES, 0, True), result
    assert result["exit_code"] == 0
    assert result["rss_growth_mib"] <= bench_load.RSS_TARGET_MIB, result


def test_an_output_flood_in_a_live_session_keeps_the_programs_output_and_routes_the_probe() -> None:
    result = bench_load.flood(LINES, PROBE_HITS)
    assert (result["received"], result["lost"], result["in_order"]) == (LINES, 0, True), result
    assert (result["probe_events"], result["probe_rows_stored"]) == (PROBE_HITS, PROBE_HITS)
    assert result["probe_events_in_order"] and result["probe_rows_in_order"], result
    assert result["probe_output_in_stdout"] == 0
    assert result["rss_growth_mib"] <= bench_load.RSS_TARGET_MIB, result
    assert bench_load.misses(result) == []


# A function of 1,100 lines that runs once the test says so (it waits for a file).
MANY = (
    "import os, sys, time\n"
    "def body():\n" + "".join(f"    x{n} = {n}\n" for n in range(1100)) + "    return 0\n"
    "while not os.path.exists(sys.argv[1]):\n"
    "    time.sleep(0.01)\n"
    "body()\n"
)
FIRST = 3  # the line of `x0 = 0` in MANY


def _user_breakpoints(lines: range, variant: int) -> list[dict[str, Any]]:
    """The editor's list: plain breakpoints, conditions, hit counts and logpoints mixed."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(lines):
        bp: dict[str, Any] = {"line": line}
        if (n + variant) % 7 == 0:
            bp["condition"] = f"n > {n}"
        if (n + variant) % 11 == 0:
            bp["logMessage"] = f"user {n}: {{n}}"
        if (n + variant) % 13 == 0:
            bp["hitCondition"] = "3"
        out.append(bp)
    return out


def _set_breakpoints_run(program: Path, live: bool) -> list[list[dict[str, Any]]]:
    """The editor sets 1,000 breakpoints in one file before the program runs and changes them
    while it runs; in a live session probes were added on lines of the editor's and on others
    before the first list, and one in another file while the program runs (debugpy gets that
    file's list on the proxy's account and gives out ids for it). Returns the two
    setBreakpoints answers."""
    go = program.parent / "go"
    go.unlink(missing_ok=True)
    answers = []
    source = {"path": str(program)}

    def add_probes(*lines: int, file: Path = program) -> None:
        for line in lines if live else ():
            client.request(
                "smartDebug/addProbe",
                {"file": str(file), "line": line, "logMessage": f"at {line}: {{n}}"},
                check=True,
            )

    def set_breakpoints(lines: range, variant: int) -> None:
        answer = client.request(
            "setBreakpoints",
            {"source": source, "breakpoints": _user_breakpoints(lines, variant)},
            check=True,
            timeout=THOUSAND_TIMEOUT / 4,
        )
        answers.append(answer["body"]["breakpoints"])

    client = spawn_proxy(*(() if live else ("--plain",)))
    with client:
        initialize(client)
        arguments = {
            "program": str(program),
            "args": [str(go)],
            "cwd": str(program.parent),
            "console": "internalConsole",
        }
        launch = client.send_request("launch", arguments)
        client.wait_event("initialized", timeout=RUN_TIMEOUT)
        add_probes(FIRST + 10, FIRST + 500, FIRST + 1050)  # on the editor's lines and past them
        set_breakpoints(range(FIRST, FIRST + USER_BREAKPOINTS), 0)
        client.request("setExceptionBreakpoints", {"filters": []}, check=True)
        client.request("configurationDone", check=True)
        client.wait_response(launch, timeout=RUN_TIMEOUT, check=True)
        add_probes(2, file=program.parent / "other.py")
        set_breakpoints(range(FIRST + 50, FIRST + 50 + USER_BREAKPOINTS), 1)
        client.request("setBreakpoints", {"source": source, "breakpoints": []}, check=True)
        go.touch()
        client.wait_event("terminated", timeout=RUN_TIMEOUT)
        client.request("disconnect", {}, timeout=RUN_TIMEOUT)
    return answers


@pytest.mark.timeout(THOUSAND_TIMEOUT)
def test_a_thousand_breakpoints_in_one_file_merged_with_probes_answer_as_without_them(
    tmp_path: Path,
) -> None:
    program = write_program(tmp_path / "app", "many.py", MANY)
    write_program(program.parent, "other.py", "def unused(n):\n    return n\n")
    plain = _set_breakpoints_run(program, live=False)
    live = _set_breakpoints_run(program, live=True)
    for answer, first in zip(live, (FIRST, FIRST + 50), strict=True):
        assert [bp["line"] for bp in answer] == list(range(first, first + USER_BREAKPOINTS))
        assert all(bp["verified"] for bp in answer)
        assert len({bp["id"] for bp in answer}) == USER_BREAKPOINTS
    assert live == plain  # the same breakpoints, order, verification and ids


def test_a_slow_response_blocks_neither_events_nor_other_responses() -> None:
    env = {
        **os.environ,
        "SMART_DEBUG_ADAPTER_CMD": json.dumps([sys.executable, str(PROGRAMS / "slow_adapter.py")]),
        "PYTHONPATH": str(REPO),
    }
    with spawn_proxy(env=env) as client:
        client.request("initialize", {"adapterID": "smart-debug"}, check=True)
        launch = client.send_request("launch", {"program": "x.py"})
        client.wait_event("initialized")
        client.wait_response(launch, check=True)
        slow = [client.send_request("evaluate", {"expression": f"e{n}"}) for n in range(3)]
        # while those wait: other requests are answered and events flow, in order
        for _ in range(20):
            assert client.request("threads", check=True)["body"]["threads"]
        client.request("slow/burst", {"count": BURST}, check=True)
        bursts = [e["body"]["output"] for e in client.events if e["event"] == "output"]
        assert [b for b in bursts if b.startswith("burst")] == [
            f"burst {n}\n" for n in range(BURST)
        ]
        answered = {m.get("request_seq") for m in client.messages if m["type"] == "response"}
        assert answered.isdisjoint(slow)  # still held, and nothing waited for them
        client.request("slow/release", check=True)
        for n, seq in enumerate(slow):
            assert client.wait_response(seq, check=True)["body"]["result"] == f"e{n}"
        client.request("disconnect", {}, check=True)
