"""Page-hit counting shared by request-handler threads, with one lock per page."""

import threading
import time


class HitCounter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._registry = threading.Lock()

    def _lock_for(self, page: str) -> threading.Lock:
        with self._registry:
            return self._locks.get(page, threading.Lock())

    def record(self, page: str) -> None:
        with self._lock_for(page):
            current = self.counts.get(page, 0)
            time.sleep(0)
            self.counts[page] = current + 1

    def total(self) -> int:
        return sum(self.counts.values())

    def top(self, n: int) -> list[tuple[str, int]]:
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def serve(counter: HitCounter, requests: list[str], workers: int, latency: float = 0.0005) -> None:
    chunks = [requests[i::workers] for i in range(workers)]
    threads = [
        threading.Thread(target=_handle, args=(counter, chunk, latency)) for chunk in chunks
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _handle(counter: HitCounter, chunk: list[str], latency: float) -> None:
    for page in chunk:
        time.sleep(latency)
        counter.record(page)
