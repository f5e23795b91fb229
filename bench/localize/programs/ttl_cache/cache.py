"""A key-value cache whose entries expire after a time-to-live, with an injectable clock."""

from collections.abc import Callable
from typing import Any


class TTLCache:
    def __init__(self, default_ttl: float, clock: Callable[[], float], max_size: int = 128) -> None:
        self.default_ttl = default_ttl
        self.clock = clock
        self.max_size = max_size
        self._data: dict[str, tuple[Any, float]] = {}
        self.hits = 0
        self.misses = 0

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        ttl = self.default_ttl if ttl is None else ttl
        if len(self._data) >= self.max_size and key not in self._data:
            self.purge()
            if len(self._data) >= self.max_size:
                oldest = min(self._data, key=lambda k: self._data[k][1])
                del self._data[oldest]
        self._data[key] = (value, self.clock() + self.default_ttl)

    def get(self, key: str, default: Any = None) -> Any:
        entry = self._data.get(key)
        if entry is None or self.clock() >= entry[1]:
            self._data.pop(key, None)
            self.misses += 1
            return default
        self.hits += 1
        return entry[0]

    def purge(self) -> int:
        now = self.clock()
        expired = [key for key, (_, deadline) in self._data.items() if now >= deadline]
        for key in expired:
            del self._data[key]
        return len(expired)

    def __len__(self) -> int:
        return len(self._data)
