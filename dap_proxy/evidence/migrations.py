"""Schema of the workspace store (`.smart-debug/smart-debug.db`) as an ordered list of migration
steps (issue 4, "The store"). `PRAGMA user_version` holds the number of steps applied; each step runs
in its own IMMEDIATE transaction together with the version bump, so a crash leaves the database at
the previous version, never half-migrated. Append new steps; never edit a released one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer smart-debug than this one."""


@dataclass(frozen=True)
class Migration:
    version: int  # user_version after this step
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "sessions, failure contexts, hypotheses with probability history, evidence, probes, "
        "experiments, AI exchanges",
        (
            """CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                signature TEXT NOT NULL DEFAULT '',
                error_type TEXT NOT NULL DEFAULT '',
                message TEXT NOT NULL DEFAULT '',
                issue_text TEXT NOT NULL DEFAULT '',
                root_cause TEXT
            )""",
            """CREATE TABLE failure_contexts (
                session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
                context_json TEXT NOT NULL
            )""",
            """CREATE TABLE hypotheses (
                session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                hypothesis_id TEXT NOT NULL,
                statement TEXT NOT NULL,
                probability REAL NOT NULL,
                status TEXT NOT NULL,
                engine TEXT NOT NULL,
                data_json TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (session_id, hypothesis_id)
            )""",
            """CREATE TABLE probability_history (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                hypothesis_id TEXT NOT NULL,
                old_probability REAL,
                new_probability REAL NOT NULL,
                reason TEXT NOT NULL DEFAULT '',
                at TEXT NOT NULL
            )""",
            """CREATE TABLE evidence (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                hypothesis_id TEXT,
                data_json TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            """CREATE TABLE probes (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                hypothesis_id TEXT,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                kind TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'suggested'
                    CHECK (status IN ('suggested', 'accepted', 'dismissed')),
                data_json TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE experiments (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                hypothesis_id TEXT,
                kind TEXT NOT NULL DEFAULT '',
                outcome TEXT NOT NULL DEFAULT '',
                data_json TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            """CREATE TABLE ai_exchanges (
                id INTEGER PRIMARY KEY,
                session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
                request_json TEXT NOT NULL,
                response_json TEXT,
                error TEXT,
                at TEXT NOT NULL
            )""",
            "CREATE INDEX probes_by_session ON probes(session_id, status)",
            "CREATE INDEX history_by_hypothesis ON probability_history(session_id, hypothesis_id)",
        ),
    ),
    Migration(
        2,
        "knowledge base: signature index and full-text search over past sessions (backfilled)",
        (
            "CREATE INDEX sessions_by_signature ON sessions(signature)",
            """CREATE VIRTUAL TABLE sessions_fts USING fts5(
                title, error_type, message, issue_text, root_cause,
                tokenize = 'unicode61'
            )""",
            """INSERT INTO sessions_fts(rowid, title, error_type, message, issue_text, root_cause)
               SELECT id, title, error_type, message, issue_text, coalesce(root_cause, '')
               FROM sessions""",
        ),
    ),
)

MIGRATIONS += (
    Migration(
        3,
        "live sessions: where each piece of evidence was seen (for hovers), the session's "
        "outcome, and the workspace's accepted / dismissed suggestions keyed by content",
        (
            "ALTER TABLE evidence ADD COLUMN file TEXT",
            "ALTER TABLE evidence ADD COLUMN line INTEGER",
            "ALTER TABLE evidence ADD COLUMN source TEXT NOT NULL DEFAULT ''",
            """UPDATE evidence SET file = json_extract(data_json, '$.file'),
                   line = json_extract(data_json, '$.line'),
                   source = coalesce(json_extract(data_json, '$.source'), '')""",
            "CREATE INDEX evidence_by_location ON evidence(file, line)",
            "ALTER TABLE sessions ADD COLUMN outcome TEXT NOT NULL DEFAULT ''",
            """CREATE TABLE probe_decisions (
                id INTEGER PRIMARY KEY,
                content_key TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL CHECK (status IN ('accepted', 'dismissed')),
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                code TEXT NOT NULL DEFAULT '',
                probe_json TEXT NOT NULL,
                source TEXT NOT NULL DEFAULT '',
                at TEXT NOT NULL
            )""",
            "CREATE INDEX decisions_by_status ON probe_decisions(status, file)",
        ),
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing steps up to `target`; returns the version reached. `conn` must be in
    autocommit mode (isolation_level=None): each step is one explicit transaction. Safe when two
    processes open the store at once: the version is re-read inside the write lock."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current > SCHEMA_VERSION:
                raise SchemaTooNewError(
                    f"the store has schema version {current} but this smart-debug knows only up "
                    f"to {SCHEMA_VERSION}; upgrade smart-debug, or move the database aside"
                )
            if current >= target:
                conn.execute("COMMIT")
                return current
            step = MIGRATIONS[current]  # steps are numbered 1..N, stored in order
            for statement in step.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step.version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
