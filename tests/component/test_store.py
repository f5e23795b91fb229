"""The workspace store on real SQLite files: schema migrations, the session journal (hypotheses and
their probability history, evidence, probes, experiments, AI exchanges) and the knowledge base of
similar past failures (dap_proxy/evidence/store.py, migrations.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure, Probe, ProbeKind
from dap_proxy.evidence.migrations import SCHEMA_VERSION, migrate, schema_version
from dap_proxy.evidence.store import (
    APPLICATION_ID,
    ProbeStatus,
    Store,
    StoreError,
    error_signature,
)
from dap_proxy.hypotheses.models import (
    Evidence,
    EvidenceSource,
    FailureContext,
    Hypothesis,
    HypothesisCategory,
)


def context(
    exc_type: str = "KeyError",
    message: str = "'user_42'",
    function: str = "load_user",
    issue: str = "",
    line: int = 12,
) -> FailureContext:
    frames = [
        Frame(file="/srv/app/main.py", line=3, function="<module>"),
        Frame(file="/srv/app/users.py", line=line, function=function, workspace_path="users.py"),
    ]
    failure = ParsedFailure(
        exceptions=[ExceptionInfo(type=exc_type, message=message, frames=frames)]
    )
    return FailureContext(issue_text=issue, failure=failure)


def hyp(hid: str, probability: float, statement: str = "the key is missing") -> Hypothesis:
    return Hypothesis(
        id=hid,
        statement=statement,
        category=HypothesisCategory.LOGIC_ERROR,
        probability=probability,
    )


def probe(line: int) -> Probe:
    return Probe(
        kind=ProbeKind.LOGPOINT, file="users.py", line=line, log_message="{key}", reason="x"
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path)
    yield s
    s.close()


def test_open_creates_folder_db_reports_and_wal(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.path == tmp_path / ".smart-debug" / "smart-debug.db"
        assert (
            store.reports_dir.is_dir()
            and store.reports_dir == tmp_path / ".smart-debug" / "reports"
        )
    conn = sqlite3.connect(tmp_path / ".smart-debug" / "smart-debug.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_version(conn) == SCHEMA_VERSION
    conn.close()


def test_migrations_from_empty_db_create_every_table(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    assert migrate(conn) == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "sessions",
        "failure_contexts",
        "hypotheses",
        "probability_history",
        "evidence",
        "probes",
        "experiments",
        "ai_exchanges",
        "sessions_fts",
    } <= tables
    assert migrate(conn) == SCHEMA_VERSION  # idempotent
    conn.close()


def test_migration_from_previous_version_keeps_and_indexes_existing_data(tmp_path: Path) -> None:
    db = tmp_path / ".smart-debug" / "smart-debug.db"
    db.parent.mkdir()
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)  # the schema before the knowledge base
    assert schema_version(conn) == 1
    conn.execute(
        "INSERT INTO sessions (kind, title, created_at, updated_at, signature, error_type, message,"
        " issue_text, root_cause) VALUES ('triage', 'checkout total wrong', 't', 't', 'sig-old',"
        " 'AssertionError', 'discount not applied', 'bulk discount ignored at 10 items',"
        " 'threshold compared with > instead of >=')"
    )
    conn.close()

    with Store.open(tmp_path) as store:
        old = store.session(1)
        assert old.title == "checkout total wrong"
        # The knowledge base step back-filled the old session into full-text search.
        found = store.similar_sessions("", "bulk discount wrong")
        assert [s.session_id for s in found] == [1]
        assert found[0].root_cause == "threshold compared with > instead of >="
        assert store.similar_sessions("sig-old", "")[0].match == "signature"


def test_each_migration_step_is_atomic(tmp_path: Path) -> None:
    """A step that fails half way leaves the previous version and none of its statements."""
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    migrate(conn, target=1)
    conn.execute("CREATE TABLE sessions_fts (clash INTEGER)")  # makes step 2 fail mid-way
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert schema_version(conn) == 1
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "sessions_by_signature" not in indexes  # step 2's first statement was rolled back
    conn.close()


def _db(workspace: Path) -> Path:
    return workspace / ".smart-debug" / "smart-debug.db"


def _other_programs_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('ada')")
    conn.commit()
    conn.close()


def _store_of_a_newer_smart_debug(path: Path) -> None:
    Store.open(path.parents[1]).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def _foreign_application(path: Path) -> None:
    _other_programs_db(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sessions (id INTEGER)")  # a table name like ours is not enough
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()


def _damaged_first_page(path: Path) -> None:
    Store.open(path.parents[1]).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema table, after a valid file header
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("notes I keep here\n" * 50), "is not an SQLite database"),
        (lambda p: p.write_bytes(b"this is not a database" * 100), "is not an SQLite database"),
        (_other_programs_db, "SQLite database of another program"),
        (_foreign_application, "application id 0x4d2"),
        (_damaged_first_page, "is damaged"),
        (_store_of_a_newer_smart_debug, f"schema version {SCHEMA_VERSION + 1}"),
    ],
)
def test_a_file_that_is_not_a_usable_store_is_refused_and_left_unchanged(
    tmp_path: Path, make: Callable[[Path], None], says: str
) -> None:
    path = _db(tmp_path)
    path.parent.mkdir(exist_ok=True)
    make(path)
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        Store.open(tmp_path)
    message = str(refused.value)
    assert says in message and str(path) in message, message
    assert "move the file aside" in message
    # never overwritten, migrated, or switched to WAL (header bytes 18-19 say the journal mode)
    assert path.read_bytes() == before


def test_a_store_from_before_the_application_id_is_still_ours(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    conn = sqlite3.connect(_db(tmp_path))
    conn.execute("PRAGMA application_id = 0")
    conn.commit()
    conn.close()
    with Store.open(tmp_path) as store:
        assert store.recent_sessions() == []
    conn = sqlite3.connect(_db(tmp_path))
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_damage_found_later_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        sid = store.new_session("debug", "x")
        for i in range(300):  # enough rows to fill pages beyond the first few
            store.add_evidence(
                sid, Evidence(observation="v" * 200 + str(i), source=EvidenceSource.SNAPSHOT)
            )
    path = _db(tmp_path)
    data = bytearray(path.read_bytes())
    data[-4096 * 3 :] = b"\xa5" * (4096 * 3)  # the last pages: evidence rows
    path.write_bytes(bytes(data))
    with Store.open(tmp_path) as store, pytest.raises(StoreError) as damaged:
        store.evidence(sid)
    assert "is damaged" in str(damaged.value) and str(path) in str(damaged.value)


def test_hypotheses_keep_a_history_of_probability_changes(store: Store) -> None:
    sid = store.new_session("debug", "KeyError in load_user", context())
    store.save_hypotheses(sid, [hyp("H1", 60), hyp("H2", 30)])
    store.save_hypotheses(sid, [hyp("H1", 60), hyp("H2", 10)], reason="logpoint showed key present")
    store.save_hypotheses(sid, [hyp("H1", 85, "renamed key")], reason="experiment E1")

    assert [(h.id, h.probability) for h in store.hypotheses(sid)] == [("H1", 85), ("H2", 10)]
    assert store.hypotheses(sid)[0].statement == "renamed key"
    history = store.probability_history(sid)
    assert [(c.hypothesis_id, c.old_probability, c.new_probability) for c in history] == [
        ("H1", None, 60),
        ("H2", None, 30),
        ("H2", 30, 10),  # H1 unchanged in the second save: no row
        ("H1", 60, 85),
    ]
    assert [c.reason for c in store.probability_history(sid, "H1")] == ["", "experiment E1"]


def test_evidence_probes_experiments_and_root_cause(store: Store) -> None:
    sid = store.new_session("debug", "title", context())
    ev = Evidence(
        observation="key = 'user_42'", source=EvidenceSource.LOGPOINT, file="users.py", line=12
    )
    store.add_evidence(sid, ev)
    assert store.evidence(sid) == [ev]

    ids = store.save_probes(sid, [probe(12), probe(14)], hypothesis_id="H1")
    store.set_probe_status(ids[0], ProbeStatus.ACCEPTED)
    store.set_probe_status(ids[1], "dismissed")
    assert [(p.probe.line, p.status) for p in store.probes(sid)] == [
        (12, ProbeStatus.ACCEPTED),
        (14, ProbeStatus.DISMISSED),
    ]
    assert [p.id for p in store.probes(sid, ProbeStatus.ACCEPTED)] == [ids[0]]
    with pytest.raises(StoreError, match="use one of"):
        store.set_probe_status(ids[0], "maybe")
    with pytest.raises(StoreError, match="no probe 999"):
        store.set_probe_status(999, ProbeStatus.ACCEPTED)

    eid = store.record_experiment(
        sid, {"kind": "perturbation", "hypothesis_id": "H1", "outcome": "refutes", "runs": 5}
    )
    [exp] = store.experiments(sid)
    assert (exp.id, exp.kind, exp.outcome, exp.hypothesis_id, exp.data["runs"]) == (
        eid,
        "perturbation",
        "refutes",
        "H1",
        5,
    )

    store.set_root_cause(sid, "the cache key was renamed to uid")
    assert store.session(sid).root_cause == "the cache key was renamed to uid"
    assert store.failure_context(sid) == context()


def test_unknown_session_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="no session 42"):
        store.save_hypotheses(42, [hyp("H1", 50)])
    with pytest.raises(StoreError, match="no session 42"):
        store.set_root_cause(42, "x")


def test_ai_exchanges_are_recorded_and_attached_to_their_session(store: Store) -> None:
    early = store.record_ai_exchange(None, {"messages": ["[REDACTED:api_key]"]}, {"ok": True})
    failed = store.record_ai_exchange(None, '{"messages": []}', error="timed out after 1 s")
    sid = store.save_triage(
        context(), [hyp("H1", 70)], [probe(12)], ai_exchange_ids=[early, failed]
    )
    exchanges = store.ai_exchanges(sid)
    assert [e.id for e in exchanges] == [early, failed]
    assert exchanges[0].request_json == '{"messages": ["[REDACTED:api_key]"]}'
    assert exchanges[1].error == "timed out after 1 s" and exchanges[1].response_json is None


def test_save_triage_records_everything_in_one_go(store: Store) -> None:
    sid = store.save_triage(
        context(issue="login breaks"), [hyp("H1", 70), hyp("H2", 20)], [probe(12)]
    )
    record = store.session(sid)
    assert (record.kind, record.title, record.error_type) == (
        "triage",
        "KeyError: 'user_42'",
        "KeyError",
    )
    assert [h.id for h in store.hypotheses(sid)] == ["H1", "H2"]
    assert [p.status for p in store.probes(sid)] == [ProbeStatus.SUGGESTED]


def test_signature_ignores_values_but_not_the_place() -> None:
    a = error_signature(context(message="'user_42'", line=12).failure)
    b = error_signature(context(message="'user_977'", line=30).failure)
    c = error_signature(context(message="'user_42'", function="save_user").failure)
    d = error_signature(context(exc_type="IndexError").failure)
    assert a == b  # same bug, other value, other line after an edit
    assert a != c and a != d
    assert error_signature(ParsedFailure()) == ""


def test_similar_sessions_signature_matches_first_then_full_text(store: Store) -> None:
    same_old = store.save_triage(context(message="'user_1'"), [hyp("H1", 50)])
    store.set_root_cause(same_old, "users were keyed by e-mail after the migration")
    same_new = store.save_triage(context(message="'user_2'"), [hyp("H1", 50)])
    text_only = store.save_triage(
        context(
            exc_type="TimeoutError",
            message="pool exhausted",
            function="checkout",
            issue="checkout hangs when many users load at once",
        ),
        [hyp("H1", 50)],
    )
    unrelated = store.save_triage(
        context(exc_type="ZeroDivisionError", message="division by zero", function="average"),
        [hyp("H1", 50)],
    )
    current = context(message="'user_3'", issue="users cannot load their profile")
    current_id = store.save_triage(current, [hyp("H1", 50)])

    found = store.similar_to(current, exclude=current_id)
    ids = [s.session_id for s in found]
    assert ids[:2] == [same_old, same_new]  # the one with a root cause first
    assert found[0].match == "signature"
    assert found[0].root_cause == "users were keyed by e-mail after the migration"
    assert text_only in ids and [s.match for s in found if s.session_id == text_only] == ["text"]
    assert unrelated not in ids
    assert current_id not in ids
    assert len(store.similar_sessions("", "users", limit=2)) == 2


def test_full_text_query_survives_fts_syntax_in_the_text(store: Store) -> None:
    store.save_triage(context(issue='error "near" AND OR NOT * ( ) col:umn'), [hyp("H1", 50)])
    found = store.similar_sessions("", 'near" AND ( col:umn *')
    assert len(found) == 1
    assert store.similar_sessions("", "") == []


def test_a_write_lock_held_too_long_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dap_proxy.evidence.store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 100)
    with Store.open(tmp_path) as store:
        holder = sqlite3.connect(store.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process stuck inside a write
        try:
            with pytest.raises(StoreError, match="stayed locked by another process"):
                store.new_session("debug", "blocked")
            assert store.recent_sessions() == []  # reading still works meanwhile (WAL)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        store.new_session("debug", "after")
        assert [s.title for s in store.recent_sessions()] == ["after"]
