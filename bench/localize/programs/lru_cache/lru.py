"""A least-recently-used cache with a fixed capacity, and a memoizing decorator built on it."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any


class LRUCache:
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self.evictions = 0

    def get(self, key: Hashable, default: Any = None) -> Any:
        if key not in self._data:
            return default
        value = self._data[key]
        return value

    def put(self, key: Hashable, value: Any) -> None:
        if key in self._data:
            self._data.move_to_end(key)
        self._data[key] = value
        if len(self._data) > self.capacity:
            self._data.popitem(last=False)
            self.evictions += 1

    def keys(self) -> list[Hashable]:
        return list(self._data)


def memoize(capacity: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        cache = LRUCache(capacity)
        missing = object()

        @wraps(func)
        def wrapper(*args: Hashable) -> Any:
            value = cache.get(args, missing)
            if value is missing:
                value = func(*args)
                cache.put(args, value)
            return value

        wrapper.cache = cache  # type: ignore[attr-defined]
        return wrapper

    return decorate
