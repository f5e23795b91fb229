import pytest

from limiter import Limiter, TokenBucket


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


def test_burst_up_to_capacity(clock):
    bucket = TokenBucket(rate=1, capacity=3, clock=clock)
    assert [bucket.allow() for _ in range(4)] == [True, True, True, False]


def test_refill_at_one_per_second(clock):
    bucket = TokenBucket(rate=1, capacity=2, clock=clock)
    bucket.allow()
    bucket.allow()
    clock.now += 1
    assert bucket.allow()
    assert not bucket.allow()


def test_refill_at_ten_per_second(clock):
    bucket = TokenBucket(rate=10, capacity=10, clock=clock)
    for _ in range(10):
        bucket.allow()
    clock.now += 0.5
    assert sum(bucket.allow() for _ in range(10)) == 5


def test_slow_rate_refills_partially(clock):
    bucket = TokenBucket(rate=0.5, capacity=1, clock=clock)
    bucket.allow()
    clock.now += 1
    assert not bucket.allow()


def test_wait_time(clock):
    bucket = TokenBucket(rate=4, capacity=4, clock=clock)
    for _ in range(4):
        bucket.allow()
    clock.now += 0.25
    assert bucket.wait_time(2) == pytest.approx(0.25)


def test_never_exceeds_capacity(clock):
    bucket = TokenBucket(rate=1, capacity=2, clock=clock)
    clock.now += 100
    assert [bucket.allow() for _ in range(3)] == [True, True, False]


def test_invalid_rate(clock):
    with pytest.raises(ValueError):
        TokenBucket(rate=0, capacity=1, clock=clock)


def test_limiter_isolates_clients(clock):
    limiter = Limiter(rate=1, capacity=1, clock=clock)
    assert limiter.allow("a")
    assert not limiter.allow("a")
    assert limiter.allow("b")
