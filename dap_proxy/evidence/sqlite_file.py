"""Opening the store's SQLite file safely: is the file at the store's path ours, and retrying
the contention SQLite reports without waiting.

A file that is not a smart-debug store (not SQLite, another program's database), is damaged, or
has a newer schema than this smart-debug knows is refused before anything is written to it: it
is never overwritten, converted to WAL or migrated down. Our files carry APPLICATION_ID in their
header (stamped when created; stores from before it are recognised by their tables).

SQLite answers some contention with SQLITE_BUSY at once, without calling its busy handler (a
journal-mode switch while another process creates the file, WAL recovery after a crash):
`retry_busy` retries those with a backoff within the store's busy timeout.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

APPLICATION_ID = 0x53444247  # "SDBG" in the SQLite header: this file is a smart-debug store
SQLITE_MAGIC = b"SQLite format 3\x00"
_OUR_FIRST_TABLES = frozenset({"sessions", "failure_contexts", "hypotheses", "evidence", "probes"})
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (extended codes share the low byte)
T = TypeVar("T")


class StoreError(RuntimeError):
    """A store operation that cannot be done, with a message saying what to do."""


def is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(exc) or "busy" in str(exc)


def retry_busy(action: Callable[[], T], timeout: float) -> T:
    """`action()`, retried with a short backoff while SQLite answers BUSY without waiting,
    for up to `timeout` seconds; then the BUSY error is raised."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def check_store_file(path: Path, schema_version: int, timeout: float) -> None:
    """Refuse, before writing anything to it, a file at the store's path that is not a
    smart-debug store or has a schema newer than ours."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return  # a new store
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror}") from exc
    if not head:
        return  # an empty file is an empty database
    move_aside = (
        "smart-debug keeps its journal at that path: move the file aside (smart-debug then "
        "creates a new store there); smart-debug did not change it"
    )
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not an SQLite database; {move_aside}")
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=timeout)
    try:
        app_id, version, tables = retry_busy(lambda: _header(conn), timeout)
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"the store {path} is damaged ({exc}); {move_aside} (keep it if its history "
            "matters: `sqlite3 FILE .recover` may save some of it)"
        ) from exc
    finally:
        conn.close()
    ours = app_id == APPLICATION_ID or (
        app_id == 0 and (not tables or (version >= 1 and tables >= _OUR_FIRST_TABLES))
    )
    if not ours:
        listed = ", ".join(sorted(tables)[:6]) or "none"
        raise StoreError(
            f"{path} is an SQLite database of another program (application id {app_id:#x}, "
            f"tables: {listed}); {move_aside}"
        )
    if version > schema_version:
        raise StoreError(
            f"the store {path} has schema version {version} but this smart-debug knows only up "
            f"to {schema_version}: it was written by a newer smart-debug; upgrade smart-debug, "
            "or move the file aside. smart-debug did not change it."
        )


def _header(conn: sqlite3.Connection) -> tuple[int, int, frozenset[str]]:
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return app_id, version, frozenset(str(row[0]) for row in rows)
