"""The live session's writes to the workspace store, off the proxy's event loop: one worker
thread, writes in submission order, evidence in batches (one transaction per batch). A store that
cannot be opened or written costs a note in the Debug Console, never the session.

The store is opened when there is something worth keeping (a failure context, hypotheses, a
failure during the run) or when the workspace already has one: a plain debugging session in a
project smart-debug never touched leaves no files behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from dap_proxy.evidence.store import STORE_DIR, Store, StoreError
from dap_proxy.hypotheses.models import Evidence

T = TypeVar("T")
CLOSE_TIMEOUT = 10.0  # seconds the session's end waits for the last writes


class Recorder:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.problems: list[str] = []
        self.session_id: int | None = None
        self._store: Store | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smart-debug-store")
        self._lock = threading.Lock()
        self._evidence: list[Evidence] = []
        self._flushing = False
        self.wanted = (workspace / STORE_DIR).is_dir()  # open the store for this session?

    # -- in the worker thread -------------------------------------------------------------------
    def store(self) -> Store | None:
        if self._store is None and self.wanted:
            try:
                self._store = Store.open(self.workspace)
            except StoreError as exc:
                self.wanted = False
                self.problems.append(f"smart-debug: the store is not available: {exc}")
        return self._store

    def _guarded(self, work: Callable[[Store], T]) -> T | None:
        store = self.store()
        if store is None:
            return None
        try:
            return work(store)
        except StoreError as exc:
            self.problems.append(f"smart-debug: a write to the store failed: {exc}")
            return None

    # -- from the event loop ------------------------------------------------------------------
    def submit(self, work: Callable[[Store], T]) -> Future[T | None]:
        """Run `work(store)` in the worker (nothing happens while the store is not wanted)."""
        return self._pool.submit(self._guarded, work)

    def read(self, work: Callable[[Store], T]) -> T | None:
        """For the worker thread's callers that need an answer now (e.g. the session's start)."""
        return self._guarded(work)

    def evidence(self, items: Sequence[Evidence]) -> None:
        with self._lock:
            self._evidence.extend(items)
            if self._flushing:
                return
            self._flushing = True
        self._pool.submit(self._flush)

    def _flush(self) -> None:
        with self._lock:
            batch, self._evidence = self._evidence, []
            self._flushing = False
        if batch and self.session_id is not None:
            session_id = self.session_id
            self._guarded(lambda store: store.add_evidence_many(session_id, batch))

    def close(self) -> None:
        """Finish the queued writes (bounded) and close the store; call from a worker thread."""
        self._pool.submit(self._flush)
        done = self._pool.submit(lambda: None)
        try:
            done.result(timeout=CLOSE_TIMEOUT)
        except Exception as exc:  # a stuck write: say so, do not hang the session's end
            self.problems.append(f"smart-debug: the store's last writes did not finish: {exc}")
        self._pool.shutdown(wait=False)
        if self._store is not None:
            self._store.close()


def save_session(store: Store, title: str, context: Any, hypotheses: Any, probes: Any) -> int:
    """A debug session's first record: its context, hypotheses (history starts) and probes."""
    session_id = store.new_session("debug", title[:200], context)
    if hypotheses:
        store.save_hypotheses(session_id, hypotheses, "session start")
    if probes:
        store.save_probes(session_id, probes)
    return session_id
