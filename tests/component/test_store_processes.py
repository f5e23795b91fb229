"""The store across processes: readers (the language server) read while sessions write, several
writers (two sessions, the language server, localize) wait for each other instead of failing and
every write lands, and a writer killed with SIGKILL in the middle of a write transaction loses
nothing it committed and leaves a consistent database (dap_proxy/evidence/store.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import EVENT_TIMEOUT, wait_for

from dap_proxy.evidence.store import ProbeStatus, Store

HYPOTHESES_PER_TRIAGE = 3
WRITES_PER_WRITER = 80
COMMITTED_BEFORE_KILL = 15

IMPORTS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure, Probe, ProbeKind
    from dap_proxy.evidence.store import ProbeStatus, Store
    from dap_proxy.hypotheses.models import FailureContext, Hypothesis, HypothesisCategory

    def triage_args(n):
        frames = [Frame(file="app.py", line=n, function=f"f{n % 7}", workspace_path="app.py")]
        ctx = FailureContext(
            issue_text=f"order {n} total is wrong after discount",
            failure=ParsedFailure(exceptions=[ExceptionInfo(type="AssertionError",
                                                            message=f"{n} != 0", frames=frames)]),
        )
        hyps = [Hypothesis(id=f"H{i}", statement=f"cause {i} of {n}", probability=30.0,
                           category=HypothesisCategory.LOGIC_ERROR) for i in range(1, 4)]
        probes = [Probe(kind=ProbeKind.LOGPOINT, file="app.py", line=n, reason="r",
                        log_message="{total}")]
        return ctx, hyps, probes
    """
)
PRELUDE = IMPORTS + "store = Store.open(Path(sys.argv[1]))\n"

WRITER = PRELUDE + textwrap.dedent(
    """
    tag, count = sys.argv[2], int(sys.argv[3])
    for n in range(count):
        sid = store.save_triage(*triage_args(n), title=f"{tag}-{n}")
        if n % 10 == 0:
            store.set_root_cause(sid, "the discount threshold used > instead of >=")
    print("wrote", count, flush=True)
    """
)

READER = PRELUDE + textwrap.dedent(
    """
    done = [Path(p) for p in sys.argv[2:]]
    reads, sizes = 0, set()
    print("reading", flush=True)
    while not all(p.exists() for p in done):
        sessions = store.recent_sessions(limit=5)
        sizes.add(sessions[0].id if sessions else 0)
        for s in sessions:
            n = len(store.hypotheses(s.id))
            assert n == 3, f"session {s.id} has {n} hypotheses: a torn write was visible"
        store.similar_sessions("", "discount total wrong", limit=3)
        reads += 1
    print("reads", reads, "distinct", len(sizes), flush=True)
    """
)

KILLED_IN_TRANSACTION = PRELUDE + textwrap.dedent(
    """
    from dap_proxy.hypotheses.models import Evidence, EvidenceSource
    store.save_triage(*triage_args(1), title="committed")
    with store._write() as conn:  # the transaction that never commits
        sid = store._insert_session(conn, "debug", "never committed", triage_args(2)[0])
        store._save_hypotheses(conn, sid, triage_args(2)[1], "")
        blob = "x" * 1000
        for i in range(6000):  # ~6 MB: more than the page cache, so pages spill into the WAL
            conn.execute(
                "INSERT INTO evidence (session_id, data_json, at) VALUES (?, ?, 't')",
                (sid, Evidence(observation=blob + str(i), source=EvidenceSource.SNAPSHOT)
                 .model_dump_json()),
            )
        print("in-transaction", flush=True)
        sys.stdin.read()  # hold the transaction open until killed
    """
)

WRITE_FOREVER = PRELUDE + textwrap.dedent(
    """
    n = 0
    while True:
        sid = store.save_triage(*triage_args(n), title=f"loop-{n}")
        print(sid, flush=True)
        n += 1
    """
)


def _spawn(script: str, *args: object, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=stdin,
        text=True,
    )


def _kill_after_commits(child: subprocess.Popen[str]) -> list[int]:
    """SIGKILL a writer that prints each committed session id, once it committed some; returns
    the ids it reported."""
    assert child.stdout is not None
    stdout = child.stdout
    committed: list[int] = []

    def enough() -> bool:
        committed.append(int(stdout.readline()))
        return len(committed) >= COMMITTED_BEFORE_KILL

    wait_for(enough, EVENT_TIMEOUT, "the writer to commit some triages")
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=EVENT_TIMEOUT)
    assert child.returncode == -signal.SIGKILL
    return committed


def _assert_consistent(workspace: Path) -> Store:
    """integrity_check, foreign keys, and every triage session has all its hypotheses."""
    db = workspace / ".smart-debug" / "smart-debug.db"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    store = Store.open(workspace)
    for session in store.recent_sessions(limit=10_000):
        if session.kind == "triage":
            assert len(store.hypotheses(session.id)) == HYPOTHESES_PER_TRIAGE, session
    return store


def test_readers_never_see_locked_or_torn_data_while_two_writers_write(tmp_path: Path) -> None:
    Store.open(tmp_path).close()  # migrate once up front, as the proxy does before any reader
    done_a, done_b = tmp_path / "a.done", tmp_path / "b.done"
    reader = _spawn(READER, tmp_path, done_a, done_b)
    assert reader.stdout is not None
    assert reader.stdout.readline().strip() == "reading"  # writers start once it reads
    writers = [_spawn(WRITER, tmp_path, tag, WRITES_PER_WRITER) for tag in ("a", "b")]
    for writer, flag in zip(writers, (done_a, done_b), strict=True):
        out, err = writer.communicate(timeout=EVENT_TIMEOUT * 2)
        assert writer.returncode == 0, err
        assert out.strip() == f"wrote {WRITES_PER_WRITER}"
        flag.touch()
    out, err = reader.communicate(timeout=EVENT_TIMEOUT)
    assert reader.returncode == 0, err  # "database is locked" or a torn read would fail it
    assert "locked" not in err
    words = out.split()
    assert int(words[1]) > 0 and int(words[3]) > 1  # it read, and saw the data grow meanwhile

    with _assert_consistent(tmp_path) as store:
        assert len(store.recent_sessions(limit=1000)) == 2 * WRITES_PER_WRITER


def test_sigkill_inside_a_write_transaction_leaves_a_consistent_db(tmp_path: Path) -> None:
    child = _spawn(KILLED_IN_TRANSACTION, tmp_path, stdin=subprocess.PIPE)
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "in-transaction", child.stderr.read() if child.stderr else ""
    wal = tmp_path / ".smart-debug" / "smart-debug.db-wal"
    assert wal.stat().st_size > 1_000_000  # uncommitted pages really are on disk
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=EVENT_TIMEOUT)
    assert child.returncode == -signal.SIGKILL

    with _assert_consistent(tmp_path) as store:
        assert [s.title for s in store.recent_sessions()] == ["committed"]
        conn = sqlite3.connect(store.path)
        assert conn.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0
        conn.close()
        # The lock died with the process: the next writer is not blocked.
        store.new_session("debug", "after the crash")
        assert len(store.recent_sessions()) == 2


def test_sigkill_at_an_arbitrary_point_of_a_write_loop(tmp_path: Path) -> None:
    committed = _kill_after_commits(_spawn(WRITE_FOREVER, tmp_path))

    with _assert_consistent(tmp_path) as store:
        ids = {s.id for s in store.recent_sessions(limit=10_000)}
        assert set(committed) <= ids  # every commit reported before the kill survived


# Who writes one workspace store at once: debug sessions (evidence, hypotheses), the language
# server (probe accept/dismiss), localize (experiments, then its triage). All start together on
# a fresh store, so they also race to create and migrate it.
ROLE = IMPORTS + textwrap.dedent(
    """
    import time
    from dap_proxy.evidence.store import ProbeStatus
    from dap_proxy.hypotheses.models import Evidence, EvidenceSource
    role, count, ready, go = sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5])
    ready.touch()
    while not go.exists():
        time.sleep(0.001)
    store = Store.open(Path(sys.argv[1]))
    sid = store.new_session(role.split("-")[0], role)
    if role.startswith("debug"):
        for n in range(count):
            store.add_evidence(sid, Evidence(observation=f"{role} {n}", source=EvidenceSource.SNAPSHOT))
            if n % 10 == 0:
                store.save_hypotheses(sid, triage_args(n)[1], reason=f"stop {n}")
    elif role == "lsp":
        [probe_id] = store.save_probes(sid, triage_args(1)[2])
        for n in range(count):
            store.set_probe_status(probe_id, ProbeStatus.ACCEPTED if n % 2 else ProbeStatus.DISMISSED)
            store.recent_sessions(limit=5)
    else:
        for n in range(count):
            store.record_experiment(sid, {"kind": "perturbation", "outcome": "supports", "n": n})
        store.save_triage(*triage_args(count), title="localize result")
    print(sid, count, flush=True)
    """
)
ROLES = ("debug-a", "debug-b", "lsp", "localize")
WRITES_PER_ROLE = 60


def test_sessions_lsp_and_localize_write_one_store_at_once_and_every_write_lands(
    tmp_path: Path,
) -> None:
    go = tmp_path / "go"
    ready = {role: tmp_path / f"{role}.ready" for role in ROLES}
    children = {
        role: _spawn(ROLE, tmp_path, role, WRITES_PER_ROLE, ready[role], go) for role in ROLES
    }
    # and a debug session that is killed -9 in the middle of its writes
    victim = _spawn(WRITE_FOREVER_AFTER_GO, tmp_path, go)
    wait_for(lambda: all(p.exists() for p in ready.values()), EVENT_TIMEOUT, "writers to start")
    go.touch()
    committed = _kill_after_commits(victim)
    sessions: dict[str, int] = {}
    for role, child in children.items():
        out, err = child.communicate(timeout=EVENT_TIMEOUT * 2)
        assert child.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        sid, count = map(int, out.split())
        assert count == WRITES_PER_ROLE
        sessions[role] = sid

    with _assert_consistent(tmp_path) as store:
        for role in ("debug-a", "debug-b"):
            observations = [e.observation for e in store.evidence(sessions[role])]
            assert observations == [f"{role} {n}" for n in range(WRITES_PER_ROLE)]
        [probe] = store.probes(sessions["lsp"])
        assert probe.status is ProbeStatus.ACCEPTED  # the last of the alternating updates
        experiments = store.experiments(sessions["localize"])
        assert [e.data["n"] for e in experiments] == list(range(WRITES_PER_ROLE))
        titles = {s.id: s.title for s in store.recent_sessions(limit=10_000)}
        assert "localize result" in titles.values()
        assert set(committed) <= set(titles)  # nothing the killed writer committed is lost


WRITE_FOREVER_AFTER_GO = IMPORTS + textwrap.dedent(
    """
    import time
    while not Path(sys.argv[2]).exists():
        time.sleep(0.001)
    store = Store.open(Path(sys.argv[1]))
    n = 0
    while True:
        print(store.save_triage(*triage_args(n), title=f"victim-{n}"), flush=True)
        n += 1
    """
)


OPEN_FRESH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from dap_proxy.evidence.store import ProbeStatus, Store
    Path(sys.argv[2]).touch()
    while not Path(sys.argv[3]).exists():  # start together: both race to create and migrate
        pass
    with Store.open(Path(sys.argv[1])) as store:
        store.new_session("debug", sys.argv[2])
    print("ok", flush=True)
    """
)


def test_two_processes_creating_the_store_at_once_both_succeed(tmp_path: Path) -> None:
    go = tmp_path / "go"
    ready = [tmp_path / "ready-1", tmp_path / "ready-2"]
    children = [_spawn(OPEN_FRESH, tmp_path, flag, go) for flag in ready]
    wait_for(lambda: all(p.exists() for p in ready), EVENT_TIMEOUT, "both processes to start")
    go.touch()
    for child in children:
        out, err = child.communicate(timeout=EVENT_TIMEOUT)
        assert child.returncode == 0, err
        assert out.strip() == "ok"
    with Store.open(tmp_path) as store:
        assert sorted(s.title for s in store.recent_sessions()) == sorted(map(str, ready))


def test_threads_share_one_store_each_with_its_own_connection(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from dap_proxy.hypotheses.models import Hypothesis, HypothesisCategory

    def work(n: int) -> int:
        sid = store.new_session("debug", f"thread-{n}")
        hyps = [
            Hypothesis(
                id=f"H{i}", statement="s", category=HypothesisCategory.LOGIC_ERROR, probability=30
            )
            for i in (1, 2, 3)
        ]
        store.save_hypotheses(sid, hyps)
        return len(store.hypotheses(sid))

    with Store.open(tmp_path) as store, ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(work, range(40))) == [HYPOTHESES_PER_TRIAGE] * 40
        assert len(store.recent_sessions(limit=100)) == 40
