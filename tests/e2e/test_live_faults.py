"""Faults in a live Smart Debug Session with a real debugpy: the session has a failure context, so
it records itself in the workspace store, and injected probes are observing a running loop
(live_helpers.observing_job) when debugpy's adapter, the debuggee or the proxy itself is killed.
The editor is told as in a plain session, and every observation the editor was shown is in the
store afterwards (the live room flushes its writes when the session ends,
dap_proxy/live/recorder.py); a proxy killed mid-write loses nothing it committed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from conftest import EVENT_TIMEOUT, wait_for
from dap_helpers import assert_all_gone, descendants, spawn_proxy
from live_helpers import (
    JOB_OBSERVED,
    RUN_TIMEOUT,
    job_process,
    observing_job,
    shown_observations,
    stored_observations,
)

from dap_proxy.evidence.store import Store
from dap_proxy.wire.client import DapClient

pytestmark = pytest.mark.e2e
COMMITTED_BEFORE_KILL = 100  # evidence rows the proxy has committed when it is killed


def assert_kept(client: DapClient, workspace: Path, session: int, probe: str) -> None:
    """Every observation the editor was shown is in the store, once, the added probe's hits
    without a gap; the database is sound and the session's end was recorded."""
    shown = shown_observations(client)
    assert sum(p == probe for p, _, _ in shown) >= JOB_OBSERVED
    stored, integrity = stored_observations(workspace, session)
    assert integrity == "ok"
    assert sorted(stored, key=str) == sorted(shown, key=str)
    hits = [h for p, h, _ in stored if p == probe]
    assert hits == list(range(1, len(hits) + 1))
    with Store.open(workspace) as store:
        [record] = [s for s in store.recent_sessions() if s.id == session]
    assert record.kind == "debug" and record.outcome


@pytest.mark.parametrize("killed", ["adapter", "debuggee"])
def test_a_process_killed_mid_session_keeps_the_evidence(tmp_path: Path, killed: str) -> None:
    with spawn_proxy() as client:
        assert client.process is not None
        program, session, probe = observing_job(client, tmp_path / "job")
        tree = descendants(client.process.pid)
        pid = job_process(client, killed)
        mark = client.mark()
        os.kill(pid, signal.SIGKILL)
        if killed == "adapter":  # the proxy tells the editor and ends the session
            said = client.wait_event("output", lambda e: "unexpectedly" in e["body"]["output"])
            assert f"pid {pid}" in said["body"]["output"]
            client.wait_event("exited", since=mark)
            client.wait_event("terminated", since=mark)
        else:  # debugpy reports it; the editor disconnects
            assert client.wait_event("exited", since=mark)["body"]["exitCode"] != 0
            client.wait_event("terminated", since=mark)
            client.request("disconnect", {}, check=True)
        client.wait_closed(timeout=RUN_TIMEOUT)
        assert client.process.wait(EVENT_TIMEOUT) == 0
    assert_all_gone(tree)
    assert_kept(client, program.parent, session, probe)


def test_proxy_killed_while_it_writes_evidence_loses_nothing_committed(tmp_path: Path) -> None:
    with spawn_proxy() as client:
        assert client.process is not None
        program, session, _ = observing_job(client, tmp_path / "job")
        tree = descendants(client.process.pid)
        committed = wait_for(  # read beside the writing proxy, as the language server does
            lambda: (
                len(found := stored_observations(program.parent, session)[0])
                >= COMMITTED_BEFORE_KILL
                and found
            ),
            RUN_TIMEOUT,
            f"{COMMITTED_BEFORE_KILL} observations committed by the proxy",
        )
        client.process.kill()
        client.wait_closed(timeout=RUN_TIMEOUT)
    assert_all_gone(tree)  # its adapter and the debuggee go with it
    after, integrity = stored_observations(program.parent, session)
    assert integrity == "ok"
    assert after[: len(committed)] == committed
