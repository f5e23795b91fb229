"""The store's records for live sessions and editors, on real SQLite files: decisions keyed by
content (they survive the line moving), the most recent failure, outcomes, evidence by place,
the change counter other processes poll, and migration 3 back-filling old evidence."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from dap_proxy.analysis.models import ExceptionInfo, ParsedFailure, Probe, ProbeKind
from dap_proxy.evidence.live_records import DecisionStatus, probe_content_key
from dap_proxy.evidence.migrations import migrate
from dap_proxy.evidence.store import Store, StoreError
from dap_proxy.hypotheses.models import Evidence, EvidenceSource, FailureContext


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path)
    yield s
    s.close()


def logpoint(line: int, message: str = "count={count}") -> Probe:
    return Probe(
        kind=ProbeKind.LOGPOINT, file="cart.py", line=line, log_message=message, reason="r"
    )


def test_a_decision_is_keyed_by_content_and_survives_a_line_move(store: Store) -> None:
    code = "    if count > BULK_THRESHOLD:"
    accepted = store.decide_probe("cart.py", code, logpoint(28), "accepted", source="lsp")
    assert accepted.status is DecisionStatus.ACCEPTED and accepted.line == 28
    # the same code two lines lower (an edit above it) is the same suggestion
    moved = logpoint(30)
    assert (
        probe_content_key("cart.py", "if count >  BULK_THRESHOLD:", moved) == accepted.content_key
    )
    store.decide_probe("cart.py", code, moved, DecisionStatus.DISMISSED, source="lsp")
    [only] = store.probe_decisions()
    assert (only.status, only.line, only.source) == (DecisionStatus.DISMISSED, 30, "lsp")
    assert store.is_dismissed("cart.py", code, logpoint(99))
    # another message on that line is another suggestion
    assert not store.is_dismissed("cart.py", code, logpoint(28, "total={total}"))
    assert store.probe_decisions(status="accepted") == []


def test_the_latest_failure_skips_sessions_without_one(store: Store) -> None:
    failure = ParsedFailure(exceptions=[ExceptionInfo(type="KeyError", message="'sku'")])
    first = store.new_session("triage", "KeyError", FailureContext(failure=failure))
    store.new_session("debug", "observing", FailureContext())
    found = store.latest_failure()
    assert found is not None and found[0] == first
    assert found[1].exception_type == "KeyError"


def test_outcome_and_evidence_by_place(store: Store) -> None:
    session = store.new_session("debug", "run")
    store.set_outcome(session, "reproduced: H1 confirmed")
    assert store.session(session).outcome == "reproduced: H1 confirmed"
    with pytest.raises(StoreError, match="no session 999"):
        store.set_outcome(999, "x")
    items = [
        Evidence(
            observation=f"hit {n}",
            source=EvidenceSource.LOGPOINT,
            file="cart.py",
            line=28,
            values={"count": str(n)},
            hit=n,
            probe="p1",
        )
        for n in (1, 2)
    ]
    store.add_evidence_many(session, items)
    store.add_evidence(
        session, Evidence(observation="x", source=EvidenceSource.SNAPSHOT, file="cart.py", line=7)
    )
    newest_first = store.evidence_at("cart.py", 28)
    assert [e.hit for e in newest_first] == [2, 1]
    assert newest_first[0].values == {"count": "2"}
    assert len(store.evidence_at("cart.py")) == 3


def test_data_version_moves_when_another_connection_commits(tmp_path: Path) -> None:
    with Store.open(tmp_path) as watcher, Store.open(tmp_path) as writer:
        before = watcher.data_version()
        assert watcher.data_version() == before  # nothing happened
        writer.new_session("triage", "t")
        assert watcher.data_version() != before


def test_migration_3_back_fills_where_old_evidence_was_seen(tmp_path: Path) -> None:
    db = tmp_path / ".smart-debug" / "smart-debug.db"
    db.parent.mkdir()
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=2)
    conn.execute(
        "INSERT INTO sessions (kind, title, created_at, updated_at) VALUES ('debug', 't', 't', 't')"
    )
    old = Evidence(observation="o", source=EvidenceSource.LOGPOINT, file="a.py", line=4)
    conn.execute(
        "INSERT INTO evidence (session_id, data_json, at) VALUES (1, ?, 't')",
        (old.model_dump_json(),),
    )
    conn.close()
    with Store.open(tmp_path) as store:
        [found] = store.evidence_at("a.py", 4)
        assert found.observation == "o"
