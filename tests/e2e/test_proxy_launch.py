"""End to end: `python -m dap_proxy` in front of a real debugpy, launch mode (issue 2 section 3).

Each test drives the proxy over its stdio with the wire client, like an editor would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dap_helpers import (
    PROGRAMS,
    assert_all_gone,
    descendants,
    find_markers,
    frame_locals,
    launch_arguments,
    output_text,
    spawn_proxy,
    start_session,
    stopped_frame,
    wait_for,
    wait_output,
)

from dap_proxy.wire.client import DapClient

pytestmark = pytest.mark.e2e

LOOP = PROGRAMS / "loop.py"
CRASH = PROGRAMS / "crash.py"
WAIT = PROGRAMS / "wait.py"


def assert_renumbered(client: DapClient) -> None:
    """Every message from the proxy is numbered 1, 2, 3, ... and every response answers a
    request this client sent, once (the proxy's own requests never show)."""
    seqs = [m["seq"] for m in client.messages]
    assert seqs == list(range(1, len(seqs) + 1))
    answered = [m["request_seq"] for m in client.messages if m["type"] == "response"]
    assert len(answered) == len(set(answered))
    assert set(answered) <= set(range(1, client.next_seq()))


def test_launch_breakpoint_inspect_step_and_exit_code(tmp_path: Path) -> None:
    marks = find_markers(LOOP)
    log = tmp_path / "traffic.jsonl"
    with spawn_proxy("--log-file", str(log)) as client:
        start_session(client, "launch", launch_arguments(LOOP), {LOOP: [{"line": marks["call"]}]})
        ready = client.wait_event("smartDebug/ready")
        assert ready["body"] == {"mode": "launch", "threads": 1}
        # the declared capability table is what this debugpy really answers: no correction
        assert not [e for e in client.events if e["event"] == "capabilities"]

        stopped = client.wait_event("stopped")
        assert stopped["body"]["reason"] == "breakpoint"
        tree = descendants(client.process.pid)
        thread = stopped["body"]["threadId"]
        frame = stopped_frame(client, stopped)
        assert (frame["name"], frame["line"]) == ("main", marks["call"])
        assert Path(frame["source"]["path"]).samefile(LOOP)

        client.request("stepIn", {"threadId": thread}, check=True)
        frame = stopped_frame(client, client.wait_event("stopped"))
        assert (frame["name"], frame["line"]) == ("helper", marks["helper"])
        assert frame_locals(client, frame["id"])["x"] == "3"

        client.request("stepOut", {"threadId": thread}, check=True)
        frame = stopped_frame(client, client.wait_event("stopped"))
        assert frame["name"] == "main"
        client.request("next", {"threadId": thread}, check=True)
        frame = stopped_frame(client, client.wait_event("stopped"))
        assert frame["line"] == marks["after_call"]
        assert frame_locals(client, frame["id"])["value"] == "7"

        client.request("continue", {"threadId": thread}, check=True)
        assert client.wait_event("exited")["body"]["exitCode"] == 3
        client.wait_event("terminated")
        wait_for(lambda: "sum 45" in output_text(client, "stdout"), what="program stdout")
        assert "value 7" in output_text(client, "stdout")
        client.request("disconnect", {}, check=True)
        assert_renumbered(client)
    assert client.process.returncode == 0
    assert_all_gone(tree)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    commands = {r["message"].get("command") for r in records if "message" in r}
    assert {"initialize", "launch", "stackTrace", "threads"} <= commands


def test_conditional_hit_condition_and_logpoint() -> None:
    marks = find_markers(LOOP)
    breakpoints = [
        {"line": marks["loop"], "condition": "i == 4"},
        {"line": marks["square"], "hitCondition": "3"},
        {"line": marks["note"], "logMessage": "note i={i} total={total}"},
    ]
    with spawn_proxy() as client:
        start_session(client, "launch", launch_arguments(LOOP), {LOOP: breakpoints})
        first = client.wait_event("stopped")
        frame = stopped_frame(client, first)
        assert frame["line"] == marks["square"]
        assert frame_locals(client, frame["id"])["i"] == "2"  # third hit: i = 0, 1, 2

        client.request("continue", {"threadId": first["body"]["threadId"]}, check=True)
        second = client.wait_event("stopped")
        frame = stopped_frame(client, second)
        assert frame["line"] == marks["loop"]
        assert frame_locals(client, frame["id"])["i"] == "4"

        client.request("continue", {"threadId": second["body"]["threadId"]}, check=True)
        client.wait_event("exited")
        wait_for(lambda: "note i=9 total=45" in output_text(client), what="last logpoint output")
        # one output event per logpoint hit (program stdout events are not line-aligned, so the
        # joined text may interleave)
        logged = [
            e["body"]["output"]
            for e in client.events
            if e["event"] == "output" and e["body"]["output"].startswith("note i=")
        ]
        assert logged == [f"note i={i} total={i * (i + 1) // 2}\n" for i in range(10)]
        client.request("disconnect", {}, check=True)


def test_uncaught_exception_stop_with_exception_info() -> None:
    with spawn_proxy() as client:
        start_session(client, "launch", launch_arguments(CRASH), exception_filters=["uncaught"])
        stopped = client.wait_event("stopped")
        assert stopped["body"]["reason"] == "exception"
        info = client.request(
            "exceptionInfo", {"threadId": stopped["body"]["threadId"]}, check=True
        )["body"]
        assert "ValueError" in info["exceptionId"]
        assert "not a number" in info["description"]
        client.request("disconnect", {"terminateDebuggee": True}, check=True)
        tree = descendants(client.process.pid)
    assert_all_gone(tree)


def test_terminate_then_disconnect_and_malformed_frame_mid_session() -> None:
    with spawn_proxy() as client:
        start_session(client, "launch", launch_arguments(WAIT))
        client.wait_event("smartDebug/ready")
        debuggee = int(wait_output(client, r"waiting pid (\d+)\n", "stdout").group(1))
        tree = descendants(client.process.pid)
        assert debuggee in tree

        body = b'{"seq": 99, "type": "request", "command": "threads", broken'
        client.send_raw(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        failed = client.wait_response(99)
        assert failed["success"] is False and "malformed" in failed["message"]
        complaint = client.wait_event("output", lambda e: "malformed" in e["body"]["output"])
        assert complaint["body"]["category"] == "stderr"

        # the session goes on after the bad frame
        threads = client.request("threads", check=True)["body"]["threads"]
        assert len(threads) == 1
        client.request("terminate", check=True)
        client.wait_event("terminated")
        client.request("disconnect", {}, check=True)
    assert_all_gone(tree | {debuggee})


def test_editor_closing_ends_adapter_and_debuggee() -> None:
    client = spawn_proxy()
    try:
        start_session(client, "launch", launch_arguments(WAIT))
        debuggee = int(wait_output(client, r"waiting pid (\d+)\n", "stdout").group(1))
        tree = descendants(client.process.pid)
        assert (
            debuggee in tree and len(tree) >= 2
        )  # the adapter and, below it, the launcher and the debuggee
    finally:
        client.close()  # like an editor that goes away without disconnect
    assert client.process.returncode == 0
    assert_all_gone(tree)


# The raw frames' seq: out of the range the client numbers its own requests with (from 1), so
# the failed answer to the oversized one can never be taken for the answer to `initialize`.
RAW_SEQ = 9000


def test_malformed_frames_before_launch_keep_the_session() -> None:
    with spawn_proxy("--max-frame", "4096") as client:
        client.send_raw(b"Content-Length: abc\r\n\r\n{}")
        client.send_raw(b"Content-Length: 2\r\n\r\n[]")
        huge = b'{"seq": %d, "type": "request", "command": "x", "pad": "%s"}' % (
            RAW_SEQ,
            b"p" * 5000,
        )
        # One write: the header and the start of the body arrive together, so the seq is
        # readable when the length is refused at header time.
        client.send_raw(b"Content-Length: %d\r\n\r\n%s" % (len(huge), huge))
        response = client.request("initialize", {"adapterID": "smart-debug"}, check=True)
        assert response["request_seq"] == 1
        assert response["body"]["supportsConfigurationDoneRequest"] is True
        refused = client.wait_response(RAW_SEQ)  # the oversized request is answered, failed
        assert refused["success"] is False and refused["command"] == "x"
        assert f"frame of {len(huge)} bytes exceeds the maximum of 4096" in refused["message"]
        errors = [
            e["body"]["output"]
            for e in client.events
            if e["event"] == "output" and "malformed" in e["body"]["output"]
        ]
        assert len(errors) == 3
        assert "Content-Length is not a number" in errors[0]
        assert "not a DAP message" in errors[1]
        assert "exceeds the maximum of 4096 bytes" in errors[2]
        early = client.request("threads")
        assert early["success"] is False and "launch" in early["message"]
        bad = client.request("attach", {"smartDebug": {"ai": "openai"}})
        assert bad["success"] is False and "smartDebug.ai" in bad["message"]
        no_target = client.request("attach", {"justMyCode": True})
        assert no_target["success"] is False and "connect" in no_target["message"]
        client.request("disconnect", {}, check=True)
        client.wait_closed()
    assert client.process.returncode == 0
