import pytest

from intervals import covered, gaps, insert, merge


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([], []),
        ([(1, 3)], [(1, 3)]),
        ([(1, 3), (2, 6)], [(1, 6)]),
        ([(8, 10), (1, 3)], [(1, 3), (8, 10)]),
        ([(1, 10), (2, 3)], [(1, 10)]),
        ([(1, 3), (3, 5)], [(1, 5)]),
        ([(5, 7), (1, 2), (2, 4)], [(1, 4), (5, 7)]),
    ],
)
def test_merge(given, expected):
    assert merge(given) == expected


def test_merge_rejects_reversed():
    with pytest.raises(ValueError):
        merge([(3, 1)])


def test_insert_bridges_two():
    assert insert([(1, 2), (6, 9)], (2, 6)) == [(1, 9)]


def test_covered_overlapping():
    assert covered([(0, 4), (2, 6)]) == 6


def test_gaps():
    assert gaps([(1, 2), (4, 5), (7, 9)]) == [(2, 4), (5, 7)]
