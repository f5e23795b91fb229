import pytest

from cache import TTLCache


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


def test_get_fresh(clock):
    cache = TTLCache(10, clock)
    cache.set("a", 1)
    assert cache.get("a") == 1


def test_default_ttl_expiry(clock):
    cache = TTLCache(10, clock)
    cache.set("a", 1)
    clock.now = 10
    assert cache.get("a", "gone") == "gone"


def test_custom_ttl_shorter(clock):
    cache = TTLCache(10, clock)
    cache.set("a", 1, ttl=2)
    clock.now = 3
    assert cache.get("a") is None


def test_custom_ttl_longer(clock):
    cache = TTLCache(10, clock)
    cache.set("a", 1, ttl=60)
    clock.now = 30
    assert cache.get("a") == 1


def test_hit_and_miss_counts(clock):
    cache = TTLCache(5, clock)
    cache.set("k", "v")
    cache.get("k")
    cache.get("nope")
    assert (cache.hits, cache.misses) == (1, 1)


def test_purge_counts_expired(clock):
    cache = TTLCache(5, clock)
    cache.set("a", 1)
    cache.set("b", 2)
    clock.now = 6
    assert cache.purge() == 2
    assert len(cache) == 0


def test_evicts_soonest_expiring_when_full(clock):
    cache = TTLCache(100, clock, max_size=2)
    cache.set("long", 1, ttl=50)
    cache.set("short", 2, ttl=5)
    cache.set("new", 3)
    assert cache.get("long") == 1
    assert cache.get("short") is None
