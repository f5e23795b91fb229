"""A remote attach without pathMappings: the program runs from another folder than the
workspace's copy of it, the live session infers the mapping from the paths the program reports,
uses it for its own probes and tells the user the exact pathMappings to paste; with two equally
good copies in the workspace it says so instead of guessing."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import wait_for
from dap_helpers import find_markers, free_port, initialize, port_listening, spawn_proxy
from dap_helpers import start_debugpy_program as start_program

from dap_proxy.analysis.models import Probe, ProbeKind
from dap_proxy.evidence.store import Store

pytestmark = pytest.mark.e2e

APP = """\
import time

total = 0
for i in range(400):
    total += i  # @bp loop
    time.sleep(0.01)
print("total", total)
"""
WAIT = 30.0  # seconds: the remote program listening, an event of the attached session


def _remote_and_workspace(tmp_path: Path, copies: list[str]) -> tuple[Path, Path]:
    remote = tmp_path / "srv" / "deploy"
    remote.mkdir(parents=True)
    (remote / "app.py").write_text(APP)
    workspace = tmp_path / "ws"
    for copy in copies:
        (workspace / copy).mkdir(parents=True, exist_ok=True)
        shutil.copy(remote / "app.py", workspace / copy / "app.py")
    return remote / "app.py", workspace


def _accept(workspace: Path, file: str, line: int) -> None:
    code = (workspace / file).read_text().splitlines()[line - 1]
    with Store.open(workspace) as store:
        probe = Probe(
            kind=ProbeKind.LOGPOINT, file=file, line=line, log_message="i={i}", reason="accepted"
        )
        store.decide_probe(file, code, probe, "accepted", source="test")


def _attach(workspace: Path, port: int):
    client = spawn_proxy()
    initialize(client)
    seq = client.send_request(
        "attach", {"connect": {"host": "127.0.0.1", "port": port}, "cwd": str(workspace),
                   "justMyCode": True})  # fmt: skip
    client.wait_event("initialized", timeout=WAIT)
    client.request("configurationDone", check=True)
    client.wait_response(seq, timeout=WAIT, check=True)
    return client


def _console(client) -> str:
    return "".join(
        e["body"].get("output", "")
        for e in list(client.events)
        if e["event"] == "output" and e["body"].get("category") == "console"
    )


@pytest.mark.parametrize("started_as", ["absolute", "relative"])
def test_the_mapping_is_inferred_used_for_the_probes_and_shown(
    tmp_path: Path, started_as: str
) -> None:
    program, workspace = _remote_and_workspace(tmp_path, ["service"])
    line = find_markers(program)["loop"]
    _accept(workspace, "service/app.py", line)
    port = free_port()
    script = str(program) if started_as == "absolute" else "app.py"  # what the remote reports
    remote = start_program(
        ["--listen", f"127.0.0.1:{port}", "--wait-for-client", script], program.parent
    )
    try:
        wait_for(lambda: port_listening(port), WAIT, "the remote program to listen")
        with _attach(workspace, port) as client:
            found = client.wait_event(
                "smartDebug/evidence", lambda e: e["body"]["kind"] == "pathMappings", timeout=WAIT
            )
            root = str(program.parent) if started_as == "absolute" else "."
            expected = {"localRoot": str(workspace / "service"), "remoteRoot": root}
            assert found["body"]["path_mappings"] == [expected]
            pasted = f'"pathMappings": [{json.dumps(expected)}]'
            wait_for(lambda: pasted in _console(client), WAIT, "the pathMappings to paste")
            seen = client.wait_event(
                "smartDebug/evidence",
                lambda e: e["body"]["kind"] == "probe" and e["body"]["line"] == line,
                timeout=WAIT,
            )
            assert (
                seen["body"]["file"] == "service/app.py" and seen["body"]["values"]["i"].isdigit()
            )
            client.request("disconnect", {"terminateDebuggee": False}, timeout=WAIT)
        remote.wait(timeout=WAIT)
        assert "total 79800" in (remote.stdout.read() if remote.stdout else "")
    finally:
        with contextlib.suppress(ProcessLookupError):
            remote.kill()
        remote.wait(timeout=WAIT)


def test_two_equally_good_copies_are_named_and_none_is_guessed(tmp_path: Path) -> None:
    program, workspace = _remote_and_workspace(tmp_path, ["copy1", "copy2"])
    line = find_markers(program)["loop"]
    _accept(workspace, "copy1/app.py", line)
    port = free_port()
    remote = start_program(
        ["--listen", f"127.0.0.1:{port}", "--wait-for-client", "app.py"], program.parent
    )
    try:
        wait_for(lambda: port_listening(port), WAIT, "the remote program to listen")
        with _attach(workspace, port) as client:
            found = client.wait_event(
                "smartDebug/evidence", lambda e: e["body"]["kind"] == "pathMappings", timeout=WAIT
            )
            assert "path_mappings" not in found["body"]
            roots = {c["localRoot"] for c in found["body"]["candidates"]}
            assert roots == {str(workspace / "copy1"), str(workspace / "copy2")}
            wait_for(lambda: "will not guess" in _console(client), WAIT, "the ambiguity named")
            probes = [
                e
                for e in client.events
                if e["event"] == "smartDebug/evidence" and e["body"]["kind"] == "probe"
            ]
            assert probes == []
            client.request("disconnect", {"terminateDebuggee": True}, timeout=WAIT)
    finally:
        with contextlib.suppress(ProcessLookupError):
            remote.kill()
        remote.wait(timeout=WAIT)
