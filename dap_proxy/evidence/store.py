"""The workspace store: one SQLite file, `.smart-debug/smart-debug.db` in the workspace root (DESIGN.md
contracts; issue 4 "The store"). It keeps sessions, failure contexts, hypotheses and the history of
their probabilities, evidence, probes and their status, experiments, every exchange with the AI, and
a knowledge base of past failures (error signature + FTS5) so a new failure lists similar past ones
with their root causes.

Concurrency and crash safety: WAL journal (readers such as the language server never block the
writer, and the writer never blocks them), a busy timeout for the rare writer-writer overlap, every
write in one `BEGIN IMMEDIATE` transaction (all or nothing after a crash), one connection per thread.
BUSY that SQLite reports without waiting is retried within the same bound (`sqlite_file.py`), so
"database is locked" reaches the user only as a StoreError after BUSY_TIMEOUT_MS.
`synchronous=NORMAL` in WAL mode keeps the database consistent after a process crash; only the last
transactions before a power loss could be lost, which is acceptable for a debugging journal.

A file at the store's path that is not ours, is damaged, or has a newer schema is refused with a
StoreError naming it before anything is written to it (`sqlite_file.py`).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from pydantic import BaseModel

from dap_proxy.analysis.models import Probe
from dap_proxy.analysis.traceback import error_signature
from dap_proxy.evidence.live_records import LiveRecords
from dap_proxy.evidence.migrations import SCHEMA_VERSION, SchemaTooNewError, migrate
from dap_proxy.evidence.sqlite_file import (
    APPLICATION_ID,
    StoreError,
    check_store_file,
    is_busy,
    retry_busy,
)
from dap_proxy.hypotheses.models import Evidence, FailureContext, Hypothesis

STORE_DIR = ".smart-debug"
DB_NAME = "smart-debug.db"
REPORTS_DIR = "reports"
BUSY_TIMEOUT_MS = 10_000  # a writer holds the lock for milliseconds; 10 s means something is stuck
MAX_FTS_TERMS = 24  # words of the new failure's text used to look for similar ones


class ProbeStatus(str, Enum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class SessionRecord(BaseModel):
    id: int
    kind: str
    title: str
    created_at: str
    updated_at: str
    signature: str
    error_type: str
    message: str
    root_cause: str | None = None
    outcome: str = ""


class SimilarSession(BaseModel):
    """A past session that looks like the current failure."""

    session_id: int
    title: str
    kind: str
    created_at: str
    signature: str
    error_type: str
    message: str
    root_cause: str | None
    outcome: str = ""  # the session's result ("verified fixed: ...", "H1 confirmed ...")
    match: str  # "signature" (same fingerprint) | "text" (full-text match)
    rank: float = 0.0  # FTS5 bm25 for text matches (lower is better); 0 for signature matches


class ProbabilityChange(BaseModel):
    hypothesis_id: str
    old_probability: float | None  # None when the hypothesis first appeared
    new_probability: float
    reason: str
    at: str


class StoredProbe(BaseModel):
    id: int
    session_id: int
    hypothesis_id: str | None
    status: ProbeStatus
    probe: Probe


class ExperimentRecord(BaseModel):
    id: int
    session_id: int
    hypothesis_id: str | None
    kind: str
    outcome: str
    data: dict[str, object]
    at: str


class AiExchange(BaseModel):
    id: int
    session_id: int | None
    request_json: str
    response_json: str | None
    error: str | None
    at: str


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _json(value: BaseModel | Mapping[str, object] | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str)


def _fts_query(text: str) -> str:
    """An OR query of the distinct words of `text`, each quoted (FTS5 syntax never breaks)."""
    words: list[str] = []
    for word in re.findall(r"[^\W_]{3,}", text.lower()):
        if word not in words:
            words.append(word)
    return " OR ".join(f'"{w}"' for w in words[:MAX_FTS_TERMS])


class Store(LiveRecords):
    """The workspace store. Open with `Store.open(workspace)`; safe to share between threads."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        self.reports_dir = db_path.parent / REPORTS_DIR
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pending_ai: list[int] = []  # exchanges recorded before their session existed

    @classmethod
    def open(cls, workspace: Path) -> Store:
        """Create `.smart-debug/` (db + reports folder) under `workspace` if needed and migrate."""
        folder = Path(workspace) / STORE_DIR
        try:
            (folder / REPORTS_DIR).mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                # The journal can hold code and variable values: keep it out of commits by default.
                ignore.write_text("# smart-debug's local journal\n*\n", encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"cannot create the store folder {folder}: {exc.strerror}") from exc
        store = cls(folder / DB_NAME)
        try:
            check_store_file(store.path, SCHEMA_VERSION, BUSY_TIMEOUT_MS / 1000)
            retry_busy(lambda: migrate(store._conn()), BUSY_TIMEOUT_MS / 1000)
            store._stamp()
        except SchemaTooNewError as exc:
            store.close()
            raise StoreError(f"{store.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            store.close()
            raise store._failure(exc) from exc
        except BaseException:
            store.close()
            raise
        return store

    def _stamp(self) -> None:
        """Mark the file as a smart-debug store (stores from before the mark get it now)."""
        conn = self._conn()
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            with self._write() as conn:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")

    # -- connections -----------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
                check_same_thread=False,  # only so close() can close every thread's connection
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"), BUSY_TIMEOUT_MS / 1000)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front so the busy timeout
        applies (a deferred transaction upgrading to write fails at once with 'locked')."""
        conn = self._conn()
        try:
            retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"), BUSY_TIMEOUT_MS / 1000)
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._failure(exc) from exc
            raise

    def _failure(self, exc: sqlite3.DatabaseError) -> StoreError:
        if isinstance(exc, sqlite3.OperationalError) and is_busy(exc):
            return StoreError(
                f"the store {self.path} stayed locked by another process for "
                f"{BUSY_TIMEOUT_MS / 1000:g} s; retry, or stop the process that holds it"
            )
        if type(exc) is sqlite3.DatabaseError:  # not a database, malformed: the file itself
            return StoreError(
                f"the store {self.path} is damaged or not a database ({exc}); smart-debug did "
                "not change it: move the file aside to start afresh (keep it if its history "
                "matters: `sqlite3 FILE .recover` may save some of it)"
            )
        return StoreError(f"the store {self.path} failed: {exc}")

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        try:
            return retry_busy(
                lambda: self._conn().execute(sql, params).fetchall(), BUSY_TIMEOUT_MS / 1000
            )
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc) from exc

    def _require_session(self, conn: sqlite3.Connection, session_id: int) -> None:
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise StoreError(f"no session {session_id} in {self.path}")

    # -- sessions --------------------------------------------------------------------------------

    def new_session(self, kind: str, title: str, context: FailureContext | None = None) -> int:
        """Start a session ("triage", "localize", "debug", ...) for a failure; returns its id."""
        with self._write() as conn:
            return self._insert_session(conn, kind, title, context or FailureContext())

    @staticmethod
    def _insert_session(
        conn: sqlite3.Connection, kind: str, title: str, context: FailureContext
    ) -> int:
        final = context.failure.final
        signature = error_signature(context.failure)
        error_type = final.type if final else ""
        message = final.message if final else ""
        now = _now()
        cur = conn.execute(
            "INSERT INTO sessions (kind, title, created_at, updated_at, signature, error_type,"
            " message, issue_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, title, now, now, signature, error_type, message, context.issue_text),
        )
        session_id = int(cur.lastrowid or 0)
        conn.execute(
            "INSERT INTO failure_contexts (session_id, context_json) VALUES (?, ?)",
            (session_id, context.model_dump_json()),
        )
        conn.execute(
            "INSERT INTO sessions_fts (rowid, title, error_type, message, issue_text,"
            " root_cause) VALUES (?, ?, ?, ?, ?, '')",
            (session_id, title, error_type, message, context.issue_text),
        )
        return session_id

    def session(self, session_id: int) -> SessionRecord:
        rows = self._rows("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise StoreError(f"no session {session_id} in {self.path}")
        return SessionRecord.model_validate(dict(rows[0]))

    def recent_sessions(self, limit: int = 20) -> list[SessionRecord]:
        rows = self._rows("SELECT * FROM sessions ORDER BY id DESC LIMIT ?", (limit,))
        return [SessionRecord.model_validate(dict(r)) for r in rows]

    def failure_context(self, session_id: int) -> FailureContext:
        rows = self._rows(
            "SELECT context_json FROM failure_contexts WHERE session_id = ?", (session_id,)
        )
        if not rows:
            raise StoreError(f"no session {session_id} in {self.path}")
        return FailureContext.model_validate_json(rows[0][0])

    def set_root_cause(self, session_id: int, text: str) -> None:
        """Record what the bug turned out to be; future similar failures will show it."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT title, error_type, message, issue_text FROM sessions WHERE id = ?",
                (session_id,),
            ).fetchone()
            if row is None:
                raise StoreError(f"no session {session_id} in {self.path}")
            conn.execute(
                "UPDATE sessions SET root_cause = ?, updated_at = ? WHERE id = ?",
                (text, _now(), session_id),
            )
            # FTS5 rows are replaced whole.
            conn.execute("DELETE FROM sessions_fts WHERE rowid = ?", (session_id,))
            conn.execute(
                "INSERT INTO sessions_fts (rowid, title, error_type, message, issue_text,"
                " root_cause) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, *tuple(row), text),
            )

    # -- hypotheses ------------------------------------------------------------------------------

    def save_hypotheses(
        self, session_id: int, hypotheses: Sequence[Hypothesis], reason: str = ""
    ) -> None:
        """Insert or update hypotheses by id; a new hypothesis or a changed probability adds a
        row to the probability history (with `reason`, e.g. "experiment E2 refuted H1")."""
        with self._write() as conn:
            self._require_session(conn, session_id)
            self._save_hypotheses(conn, session_id, hypotheses, reason)

    @staticmethod
    def _save_hypotheses(
        conn: sqlite3.Connection, session_id: int, hypotheses: Sequence[Hypothesis], reason: str
    ) -> None:
        now = _now()
        for h in hypotheses:
            old = conn.execute(
                "SELECT probability FROM hypotheses WHERE session_id = ? AND hypothesis_id = ?",
                (session_id, h.id),
            ).fetchone()
            conn.execute(
                "INSERT INTO hypotheses (session_id, hypothesis_id, statement, probability,"
                " status, engine, data_json, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id, hypothesis_id) DO UPDATE SET"
                " statement = excluded.statement, probability = excluded.probability,"
                " status = excluded.status, engine = excluded.engine,"
                " data_json = excluded.data_json, updated_at = excluded.updated_at",
                (
                    session_id,
                    h.id,
                    h.statement,
                    h.probability,
                    h.status.value,
                    h.engine,
                    h.model_dump_json(),
                    now,
                ),
            )
            if old is None or float(old[0]) != h.probability:
                conn.execute(
                    "INSERT INTO probability_history (session_id, hypothesis_id,"
                    " old_probability, new_probability, reason, at) VALUES (?, ?, ?, ?, ?, ?)",
                    (session_id, h.id, None if old is None else old[0], h.probability, reason, now),
                )
        conn.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (now, session_id))

    def hypotheses(self, session_id: int) -> list[Hypothesis]:
        """The session's hypotheses, most probable first."""
        rows = self._rows(
            "SELECT data_json FROM hypotheses WHERE session_id = ?"
            " ORDER BY probability DESC, hypothesis_id",
            (session_id,),
        )
        return [Hypothesis.model_validate_json(r[0]) for r in rows]

    def probability_history(
        self, session_id: int, hypothesis_id: str | None = None
    ) -> list[ProbabilityChange]:
        sql = (
            "SELECT hypothesis_id, old_probability, new_probability, reason, at"
            " FROM probability_history WHERE session_id = ?"
        )
        params: list[object] = [session_id]
        if hypothesis_id is not None:
            sql += " AND hypothesis_id = ?"
            params.append(hypothesis_id)
        rows = self._rows(sql + " ORDER BY id", params)
        return [ProbabilityChange.model_validate(dict(r)) for r in rows]

    # -- evidence, probes, experiments ------------------------------------------------------------

    def add_evidence(self, session_id: int, evidence: Evidence) -> int:
        with self._write() as conn:
            self._require_session(conn, session_id)
            return self._insert_evidence(conn, session_id, evidence)

    def add_evidence_many(self, session_id: int, items: Sequence[Evidence]) -> None:
        """Several observations in one transaction (a live session writes them in batches)."""
        with self._write() as conn:
            self._require_session(conn, session_id)
            for evidence in items:
                self._insert_evidence(conn, session_id, evidence)

    @staticmethod
    def _insert_evidence(conn: sqlite3.Connection, session_id: int, evidence: Evidence) -> int:
        cur = conn.execute(
            "INSERT INTO evidence (session_id, hypothesis_id, data_json, at, file, line, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                evidence.hypothesis_id,
                evidence.model_dump_json(),
                evidence.at.isoformat(),
                evidence.file,
                evidence.line,
                evidence.source.value,
            ),
        )
        return int(cur.lastrowid or 0)

    def evidence(self, session_id: int) -> list[Evidence]:
        rows = self._rows(
            "SELECT data_json FROM evidence WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [Evidence.model_validate_json(r[0]) for r in rows]

    def save_probes(
        self, session_id: int, probes: Sequence[Probe], hypothesis_id: str | None = None
    ) -> list[int]:
        """Record suggested probes; returns their ids (for `set_probe_status`)."""
        with self._write() as conn:
            self._require_session(conn, session_id)
            return self._save_probes(conn, session_id, probes, hypothesis_id)

    @staticmethod
    def _save_probes(
        conn: sqlite3.Connection,
        session_id: int,
        probes: Sequence[Probe],
        hypothesis_id: str | None = None,
    ) -> list[int]:
        now = _now()
        ids: list[int] = []
        for p in probes:
            cur = conn.execute(
                "INSERT INTO probes (session_id, hypothesis_id, file, line, kind, status,"
                " data_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'suggested', ?, ?, ?)",
                (
                    session_id,
                    hypothesis_id,
                    p.file,
                    p.line,
                    p.kind.value,
                    p.model_dump_json(),
                    now,
                    now,
                ),
            )
            ids.append(int(cur.lastrowid or 0))
        return ids

    def set_probe_status(self, probe_id: int, status: ProbeStatus | str) -> None:
        try:
            value = ProbeStatus(status)
        except ValueError:
            choices = ", ".join(s.value for s in ProbeStatus)
            raise StoreError(f"unknown probe status {status!r}; use one of {choices}") from None
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE probes SET status = ?, updated_at = ? WHERE id = ?",
                (value.value, _now(), probe_id),
            )
            if cur.rowcount == 0:
                raise StoreError(f"no probe {probe_id} in {self.path}")

    def probes(self, session_id: int, status: ProbeStatus | None = None) -> list[StoredProbe]:
        sql = "SELECT id, session_id, hypothesis_id, status, data_json FROM probes WHERE session_id = ?"
        params: list[object] = [session_id]
        if status is not None:
            sql += " AND status = ?"
            params.append(ProbeStatus(status).value)
        return [
            StoredProbe(
                id=r["id"],
                session_id=r["session_id"],
                hypothesis_id=r["hypothesis_id"],
                status=ProbeStatus(r["status"]),
                probe=Probe.model_validate_json(r["data_json"]),
            )
            for r in self._rows(sql + " ORDER BY id", params)
        ]

    def record_experiment(
        self,
        session_id: int,
        experiment: BaseModel | Mapping[str, object],
        outcome: str = "",
        hypothesis_id: str | None = None,
        kind: str = "",
    ) -> int:
        """Record an experiment (any model or dict) and its outcome ("supports", "refutes", ...).
        `kind`, `outcome` and `hypothesis_id` default to the fields of the same name, if any."""
        data = (
            experiment.model_dump(mode="json")
            if isinstance(experiment, BaseModel)
            else dict(experiment)
        )
        kind = kind or str(data.get("kind", "") or "")
        outcome = outcome or str(data.get("outcome", "") or "")
        hyp = hypothesis_id or data.get("hypothesis_id")
        with self._write() as conn:
            self._require_session(conn, session_id)
            cur = conn.execute(
                "INSERT INTO experiments (session_id, hypothesis_id, kind, outcome, data_json, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    None if hyp is None else str(hyp),
                    kind,
                    outcome,
                    json.dumps(data, default=str),
                    _now(),
                ),
            )
            return int(cur.lastrowid or 0)

    def experiments(self, session_id: int) -> list[ExperimentRecord]:
        rows = self._rows(
            "SELECT * FROM experiments WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [
            ExperimentRecord(
                id=r["id"],
                session_id=r["session_id"],
                hypothesis_id=r["hypothesis_id"],
                kind=r["kind"],
                outcome=r["outcome"],
                data=json.loads(r["data_json"]),
                at=r["at"],
            )
            for r in rows
        ]

    # -- AI exchanges ----------------------------------------------------------------------------

    def record_ai_exchange(
        self,
        session_id: int | None,
        request_json: BaseModel | Mapping[str, object] | str,
        response_json: BaseModel | Mapping[str, object] | str | None = None,
        error: str | None = None,
    ) -> int:
        """Keep exactly what was sent to the AI (already redacted) and what came back or failed.
        `session_id` may be None when the exchange happens before the session is saved; such
        exchanges are attached by this store's next `save_triage`."""
        with self._write() as conn:
            if session_id is not None:
                self._require_session(conn, session_id)
            cur = conn.execute(
                "INSERT INTO ai_exchanges (session_id, request_json, response_json, error, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, _json(request_json), _json(response_json), error, _now()),
            )
            exchange_id = int(cur.lastrowid or 0)
        if session_id is None:
            with self._lock:
                self._pending_ai.append(exchange_id)
        return exchange_id

    def attach_ai_exchanges(self, exchange_ids: Sequence[int], session_id: int) -> None:
        """Link exchanges recorded before their session existed (see `save_triage`)."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE ai_exchanges SET session_id = ? WHERE id = ? AND session_id IS NULL",
                [(session_id, i) for i in exchange_ids],
            )

    def ai_exchanges(self, session_id: int | None = None) -> list[AiExchange]:
        if session_id is None:
            rows = self._rows("SELECT * FROM ai_exchanges ORDER BY id")
        else:
            rows = self._rows(
                "SELECT * FROM ai_exchanges WHERE session_id = ? ORDER BY id", (session_id,)
            )
        return [AiExchange.model_validate(dict(r)) for r in rows]

    # -- knowledge base --------------------------------------------------------------------------

    def similar_sessions(
        self, signature: str, text: str, limit: int = 5, exclude: int | None = None
    ) -> list[SimilarSession]:
        """Past sessions like this failure: same signature first (those with a root cause, then
        the newest), then full-text matches of `text` against titles, messages, issue texts and
        root causes, best bm25 first."""
        found: list[SimilarSession] = []
        seen: set[int] = {exclude} if exclude is not None else set()
        columns = "id, title, kind, created_at, signature, error_type, message, root_cause, outcome"
        if signature:
            for r in self._rows(
                f"SELECT {columns} FROM sessions WHERE signature = ?"
                " ORDER BY root_cause IS NULL, id DESC LIMIT ?",
                (signature, limit + len(seen)),
            ):
                if r["id"] not in seen:
                    seen.add(r["id"])
                    found.append(self._similar(r, "signature", 0.0))
        query = _fts_query(text)
        if query and len(found) < limit:
            rows = self._rows(
                f"SELECT {', '.join('s.' + c for c in columns.split(', '))}, bm25(sessions_fts) AS rank"
                " FROM sessions_fts JOIN sessions s ON s.id = sessions_fts.rowid"
                " WHERE sessions_fts MATCH ? ORDER BY rank LIMIT ?",
                (query, limit + len(seen)),
            )
            for r in rows:
                if r["id"] not in seen:
                    seen.add(r["id"])
                    found.append(self._similar(r, "text", float(r["rank"])))
        return found[:limit]

    @staticmethod
    def _similar(row: sqlite3.Row, match: str, rank: float) -> SimilarSession:
        return SimilarSession(
            session_id=row["id"],
            title=row["title"],
            kind=row["kind"],
            created_at=row["created_at"],
            signature=row["signature"],
            error_type=row["error_type"],
            message=row["message"],
            root_cause=row["root_cause"],
            outcome=row["outcome"] or "",
            match=match,
            rank=rank,
        )

    def similar_to(
        self, context: FailureContext, limit: int = 5, exclude: int | None = None
    ) -> list[SimilarSession]:
        """`similar_sessions` for a failure context (its signature, message and issue text)."""
        final = context.failure.final
        text = " ".join(
            x
            for x in (final.type if final else "", context.exception_message, context.issue_text)
            if x
        )
        return self.similar_sessions(error_signature(context.failure), text, limit, exclude)

    # -- convenience -----------------------------------------------------------------------------

    def save_triage(
        self,
        context: FailureContext,
        hypotheses: Sequence[Hypothesis],
        probes: Sequence[Probe] = (),
        title: str | None = None,
        ai_exchange_ids: Sequence[int] | None = None,
    ) -> int:
        """Record a whole triage (context, ranked hypotheses, suggested probes); returns its id.
        AI exchanges recorded without a session (by default: those this store recorded since its
        last `save_triage`) are attached to it."""
        if ai_exchange_ids is None:
            with self._lock:
                ai_exchange_ids, self._pending_ai = self._pending_ai, []
        final = context.failure.final
        if title is None:
            first_line = (
                context.issue_text.strip().splitlines()[0] if context.issue_text.strip() else ""
            )
            title = f"{final.type}: {final.message}" if final else first_line or "triage"
        with self._write() as conn:  # one transaction: a crash leaves all of it or none
            session_id = self._insert_session(conn, "triage", title[:200], context)
            self._save_hypotheses(conn, session_id, hypotheses, "triage")
            self._save_probes(conn, session_id, probes)
            conn.executemany(
                "UPDATE ai_exchanges SET session_id = ? WHERE id = ? AND session_id IS NULL",
                [(session_id, i) for i in ai_exchange_ids],
            )
        return session_id
