"""The store's records for live sessions and editors: the workspace's accepted and dismissed
suggestions (keyed by content, so a decision survives the code moving), the most recent failure
(a new session's context when its launch config names none), a session's outcome, evidence by
location (the language server's hovers) and a change counter (its lens refresh).

A mixin of `Store` (it uses the store's transaction helpers); see `dap_proxy.evidence.store`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from enum import Enum
from typing import Any

from pydantic import BaseModel

from dap_proxy.analysis.models import Probe
from dap_proxy.hypotheses.models import Evidence, FailureContext

RECENT_FAILURES_SCANNED = 50  # sessions looked at for "the most recent failure"


class DecisionStatus(str, Enum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class ProbeDecision(BaseModel):
    """A person's (or an agent's) decision on one suggestion, for the whole workspace."""

    id: int
    content_key: str
    status: DecisionStatus
    file: str  # relative to the workspace
    line: int  # where the line was when the decision was made
    code: str  # that line's text then: later sessions find the line again by it
    probe: Probe
    source: str  # "lsp", "mcp", "cli", ...
    at: str


def fold_code(code: str) -> str:
    """A line's code with whitespace folded: how a decision (and any recorded place) knows its
    line apart from indentation and spacing."""
    return " ".join(code.split())


def find_line(lines: Sequence[str], line: int, code: str, window: int) -> int | None:
    """Where a place recorded at 1-based `line` with `code` is in `lines` now: that line if it
    still holds the code, else the nearest line within `window` that does, else None (the code
    changed). Without code, the line itself while it exists."""
    wanted = fold_code(code)
    if not wanted:
        return line if 0 < line <= len(lines) else None

    def same(number: int) -> bool:
        return 0 < number <= len(lines) and fold_code(lines[number - 1]) == wanted

    if same(line):
        return line
    for distance in range(1, window + 1):
        for number in (line - distance, line + distance):
            if same(number):
                return number
    return None


def probe_content_key(file: str, code: str, probe: Probe) -> str:
    """The identity of a suggestion apart from its line number: the file, the code of its line
    (whitespace folded) and what it does. Two suggestions with the same key are the same one."""
    data = {
        "file": file.replace("\\", "/"),
        "code": fold_code(code),
        "kind": probe.kind.value,
        "condition": probe.condition,
        "hit_condition": probe.hit_condition,
        "log_message": probe.log_message,
    }
    encoded = json.dumps(data, sort_keys=True).encode("utf-8")
    return hashlib.blake2b(encoded, digest_size=12).hexdigest()


class LiveRecords:
    """Mixed into `Store`: `_write()` and `_rows()` come from there."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by Store
        raise NotImplementedError

    def _rows(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:  # provided by Store
        raise NotImplementedError

    def _conn(self) -> sqlite3.Connection:  # provided by Store
        raise NotImplementedError

    # -- decisions ------------------------------------------------------------------------------

    def decide_probe(
        self,
        file: str,
        code: str,
        probe: Probe,
        status: DecisionStatus | str,
        source: str = "",
    ) -> ProbeDecision:
        """Record that a suggestion was accepted or dismissed (the latest decision wins)."""
        decision = DecisionStatus(status)
        key = probe_content_key(file, code, probe)
        stored = probe.model_copy(update={"file": file})
        from dap_proxy.evidence.store import _now

        with self._write() as conn:
            conn.execute(
                "INSERT INTO probe_decisions (content_key, status, file, line, code, probe_json,"
                " source, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (content_key) DO UPDATE"
                " SET status = excluded.status, line = excluded.line, code = excluded.code,"
                " probe_json = excluded.probe_json, source = excluded.source, at = excluded.at",
                (
                    key,
                    decision.value,
                    file,
                    probe.line,
                    code,
                    stored.model_dump_json(),
                    source,
                    _now(),
                ),
            )
        [found] = self.probe_decisions(content_key=key)
        return found

    def probe_decisions(
        self,
        status: DecisionStatus | str | None = None,
        file: str | None = None,
        content_key: str | None = None,
    ) -> list[ProbeDecision]:
        sql = "SELECT * FROM probe_decisions WHERE 1 = 1"
        params: list[object] = []
        for column, value in (
            ("status", None if status is None else DecisionStatus(status).value),
            ("file", file),
            ("content_key", content_key),
        ):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        return [
            ProbeDecision(
                id=r["id"],
                content_key=r["content_key"],
                status=DecisionStatus(r["status"]),
                file=r["file"],
                line=r["line"],
                code=r["code"],
                probe=Probe.model_validate_json(r["probe_json"]),
                source=r["source"],
                at=r["at"],
            )
            for r in self._rows(sql + " ORDER BY id", params)
        ]

    def is_dismissed(self, file: str, code: str, probe: Probe) -> bool:
        found = self.probe_decisions(content_key=probe_content_key(file, code, probe))
        return bool(found) and found[0].status is DecisionStatus.DISMISSED

    # -- failures, outcomes, evidence by place ---------------------------------------------------

    def latest_failure(self) -> tuple[int, FailureContext] | None:
        """The most recent session (triage, localize, debug) whose context holds a failure: an
        exception, a failing test or a reported hang."""
        rows = self._rows(
            "SELECT s.id, f.context_json FROM sessions s JOIN failure_contexts f"
            " ON f.session_id = s.id ORDER BY s.id DESC LIMIT ?",
            (RECENT_FAILURES_SCANNED,),
        )
        for row in rows:
            context = FailureContext.model_validate_json(row["context_json"])
            if context.failure.exceptions or context.failure.failing_tests or context.hang:
                return int(row["id"]), context
        return None

    def set_outcome(self, session_id: int, outcome: str) -> None:
        """A session's result in a few words ("reproduced: H1 confirmed", "exit 0", ...)."""
        from dap_proxy.evidence.store import StoreError, _now

        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET outcome = ?, updated_at = ? WHERE id = ?",
                (outcome, _now(), session_id),
            )
            if cur.rowcount == 0:
                raise StoreError(f"no session {session_id}")

    def evidence_at(self, file: str, line: int | None = None, limit: int = 20) -> list[Evidence]:
        """The latest evidence seen at `file` (relative or absolute as recorded), newest first;
        at one line when `line` is given."""
        sql = "SELECT data_json FROM evidence WHERE file = ?"
        params: list[object] = [file]
        if line is not None:
            sql += " AND line = ?"
            params.append(line)
        rows = self._rows(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
        return [Evidence.model_validate_json(r[0]) for r in rows]

    def data_version(self) -> int:
        """Changes when another connection commits (SQLite `PRAGMA data_version`): poll it to
        learn that a session, a triage, localize or another editor wrote something."""
        return int(self._conn().execute("PRAGMA data_version").fetchone()[0])
