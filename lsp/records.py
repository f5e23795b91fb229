"""What the workspace store says about the files open in the editor: the latest failure (it ranks
the suggestions), the workspace's decisions on suggestions, the hypotheses of recent sessions
(debug sessions, localize, triage) at their locations, and the fixes their mutants confirmed.

Every lens request needs this, so it is read in one go per store change (`Snapshot`); a change is
seen by polling SQLite's `data_version` (`Records.poll`), which moves when any other connection
commits: another process, or this server's own writes from another thread.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from dap_proxy.evidence.live_records import ProbeDecision
from dap_proxy.evidence.store import SessionRecord, Store, StoreError
from dap_proxy.hypotheses.models import (
    CodeLocation,
    EvidenceSource,
    FailureContext,
    Hypothesis,
    HypothesisStatus,
)

RECENT_SESSIONS = 20  # sessions whose hypotheses can annotate a file: the newest that has any
# How localize words a mutant that fixed every failing test and broke no passing one
# (dap_proxy/experiments: "perturbation experiment on line N: `old` -> `new` -> fixed (...)").
_FIXED = re.compile(
    r"^perturbation experiment on line (?P<line>\d+): `(?P<old>.+?)` -> `(?P<new>.+?)` -> fixed"
    r"(?P<detail>.*)$",
    re.DOTALL,
)
_SHORTENED = "..."  # localize shortens long code in its descriptions: such a fix cannot be applied


@dataclass(frozen=True)
class Located:
    """A hypothesis of one session at one of its locations, in one file."""

    session: int
    hypothesis: Hypothesis
    location: CodeLocation


@dataclass(frozen=True)
class FixHint:
    """The change a confirmed mutant made on a line (`old` -> `new`), for a diagnostic and its
    quick fix. `line` and `code` are where the mutant was, as recorded."""

    located: Located
    line: int
    code: str
    old: str
    new: str
    detail: str  # "(fixed 2 of 2 failing tests, ...)"

    @property
    def applicable(self) -> bool:
        return not (self.old.endswith(_SHORTENED) or self.new.endswith(_SHORTENED))


def fixing_mutants(hypothesis: Hypothesis) -> list[tuple[int, str, str, str]]:
    """(line, old, new, detail) of each mutant that fixed the failure, from its evidence."""
    found = []
    for evidence in hypothesis.supporting_evidence:
        if evidence.source is not EvidenceSource.EXPERIMENT or evidence.value != "fixed":
            continue
        match = _FIXED.match(evidence.observation)
        if match:
            found.append(
                (
                    int(match["line"]),
                    match["old"],
                    match["new"],
                    match["detail"].strip(),
                )
            )
    return found


def relative(root: Path, path: str) -> str | None:
    """`path` (absolute, or relative to `root`) relative to `root`; None outside it."""
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    try:
        return candidate.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return None


@dataclass
class Snapshot:
    """The store's contents the server shows, read at one moment."""

    root: Path
    failure: tuple[int, FailureContext] | None = None
    sessions: list[tuple[SessionRecord, list[Hypothesis]]] = field(default_factory=list)
    decisions: dict[str, ProbeDecision] = field(default_factory=dict)  # by content key
    error: str | None = None  # why the store could not be read

    def relative(self, path: str) -> str | None:
        return relative(self.root, path)

    def hypotheses_in(self, rel: str) -> list[Located]:
        """The hypotheses of the newest session that has any located in `rel`, most probable
        first, refuted ones left out."""
        for record, hypotheses in self.sessions:
            found = [
                Located(record.id, h, location)
                for h in hypotheses
                if h.status is not HypothesisStatus.REFUTED
                for location in h.locations
                if self.relative(location.file) == rel
            ]
            if found:
                return found
        return []

    def fix_hints_in(self, rel: str) -> list[FixHint]:
        """What the mutants of the file's hypotheses changed to make the failing tests pass."""
        hints = []
        for located in self.hypotheses_in(rel):
            for line, old, new, detail in fixing_mutants(located.hypothesis):
                if line == located.location.line and located.location.code:
                    hints.append(FixHint(located, line, located.location.code, old, new, detail))
        return hints

    def decisions_in(self, key_file: str) -> list[ProbeDecision]:
        return [d for d in self.decisions.values() if d.file == key_file]


class Records:
    """The store as the server reads it: a cached snapshot, renewed when the store changes."""

    def __init__(self, store: Store | None, root: Path) -> None:
        self.store = store
        self.root = root
        self._version: int | None = None
        self._generation = 0
        self._cached: tuple[int, Snapshot] | None = None
        self._lock = threading.Lock()

    def poll(self) -> bool:
        """True when the store changed since the last poll (call it from one thread only:
        `data_version` is per connection)."""
        if self.store is None:
            return False
        try:
            version = self.store.data_version()
        except (StoreError, sqlite3.Error):
            return False
        changed = self._version is not None and version != self._version
        self._version = version
        if changed:
            self.changed()
        return changed

    def changed(self) -> None:
        with self._lock:
            self._generation += 1

    def snapshot(self) -> Snapshot:
        with self._lock:
            generation = self._generation
            if self._cached is not None and self._cached[0] == generation:
                return self._cached[1]
        snapshot = self._read()
        with self._lock:
            if self._generation == generation:
                self._cached = (generation, snapshot)
        return snapshot

    def _read(self) -> Snapshot:
        snapshot = Snapshot(self.root)
        if self.store is None:
            return snapshot
        try:
            snapshot.failure = self.store.latest_failure()
            for record in self.store.recent_sessions(RECENT_SESSIONS):
                hypotheses = self.store.hypotheses(record.id)
                if hypotheses:
                    snapshot.sessions.append((record, hypotheses))
            snapshot.decisions = {d.content_key: d for d in self.store.probe_decisions()}
        except StoreError as exc:
            snapshot.error = str(exc)
        return snapshot
