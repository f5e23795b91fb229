import pytest

from pqueue import PriorityQueue, drain


def make(pairs):
    queue = PriorityQueue()
    for priority, item in pairs:
        queue.push(priority, item)
    return queue


def test_single_item():
    assert drain(make([(3, "x")])) == ["x"]


def test_peek_is_minimum():
    assert make([(5, "a"), (1, "b"), (3, "c")]).peek() == "b"


def test_empty_pop():
    with pytest.raises(IndexError):
        PriorityQueue().pop()


def test_equal_priorities_fifo():
    assert drain(make([(1, "a"), (1, "b"), (1, "c")])) == ["a", "b", "c"]


@pytest.mark.parametrize(
    "priorities",
    [
        [2, 1],
        [3, 1, 2],
        [1, 2, 3, 4, 5],
        [5, 4, 3, 2, 1],
        [4, 1, 3, 2, 6, 5],
        [1, 5, 2, 6, 7, 3, 4],
        [9, 2, 7, 1, 8, 3, 6, 4, 5],
    ],
)
def test_drain_sorted(priorities):
    queue = make([(p, p) for p in priorities])
    assert drain(queue) == sorted(priorities)


def test_len_tracks_pushes_and_pops():
    queue = make([(2, "a"), (1, "b")])
    queue.pop()
    assert len(queue) == 1
