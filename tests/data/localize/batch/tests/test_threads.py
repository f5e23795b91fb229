import threading

import pytest

import batch


def test_parallel_keeps_input_order():
    assert batch.run_parallel(lambda n: n * n, list(range(20))) == [n * n for n in range(20)]


def test_parallel_chunk_totals():
    numbers = list(range(1, 13))
    assert batch.run_parallel(lambda size: sum(batch.chunk_totals(numbers, size)), [1, 2, 3, 4]) == [78] * 4


def test_worker_errors_are_collected():
    def check(n):
        if n % 3 == 0:
            raise ValueError(n)
        return n

    with pytest.raises(batch.BatchError) as caught:
        batch.run_parallel(check, list(range(1, 10)))
    assert sorted(caught.value.errors) == [3, 6, 9]


def test_thread_that_raises_is_reported():
    # an exception escaping a plain thread: pytest turns it into an error (pytest.ini)
    def explode():
        raise RuntimeError("worker crashed")

    thread = threading.Thread(target=explode)
    thread.start()
    thread.join()


def test_thread_sees_chunks():
    seen = []
    thread = threading.Thread(target=lambda: seen.extend(batch.chunks(list("abcdef"), 3)))
    thread.start()
    thread.join(timeout=10)
    assert seen == [["a", "b", "c"], ["d", "e", "f"]]


def test_timer_thread_fires():
    fired = threading.Event()
    timer = threading.Timer(0.01, fired.set)
    timer.start()
    assert fired.wait(10)


def test_many_totals_on_threads():
    # enough pure-Python work to take a while, and far longer under a line tracer
    numbers = list(range(100_000))
    assert batch.run_parallel(batch.total, [numbers] * 10) == [sum(numbers)] * 10
