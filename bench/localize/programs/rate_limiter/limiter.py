"""Token-bucket rate limiting with an injectable clock, plus a per-client registry."""

from collections.abc import Callable


class TokenBucket:
    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        self.tokens = capacity
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed / self.rate)
        self.updated = now

    def allow(self, cost: float = 1) -> bool:
        self._refill()
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False

    def wait_time(self, cost: float = 1) -> float:
        self._refill()
        return max(0.0, (cost - self.tokens) / self.rate)


class Limiter:
    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        self.buckets: dict[str, TokenBucket] = {}

    def allow(self, client: str) -> bool:
        if client not in self.buckets:
            self.buckets[client] = TokenBucket(self.rate, self.capacity, self.clock)
        return self.buckets[client].allow()
