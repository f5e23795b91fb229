import pytest

from lru import LRUCache, memoize


def test_get_put():
    cache = LRUCache(2)
    cache.put("a", 1)
    assert cache.get("a") == 1
    assert cache.get("b", "none") == "none"


def test_evicts_oldest_insert():
    cache = LRUCache(2)
    for key in "abc":
        cache.put(key, key)
    assert cache.keys() == ["b", "c"]
    assert cache.evictions == 1


def test_update_refreshes():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 3)
    cache.put("c", 4)
    assert cache.keys() == ["a", "c"]


def test_read_refreshes():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert cache.get("a") == 1
    assert cache.get("b") is None


def test_bad_capacity():
    with pytest.raises(ValueError):
        LRUCache(0)


def test_memoize_calls_once():
    calls = []

    @memoize(4)
    def square(x):
        calls.append(x)
        return x * x

    assert [square(3), square(3), square(4)] == [9, 9, 16]
    assert calls == [3, 4]


def test_memoize_keeps_hot_entry():
    calls = []

    @memoize(2)
    def ident(x):
        calls.append(x)
        return x

    for x in [1, 2, 1, 3, 1]:
        ident(x)
    assert calls == [1, 2, 3]
