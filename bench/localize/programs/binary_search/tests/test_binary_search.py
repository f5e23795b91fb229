import pytest

from search import contains, count_between, lower_bound, upper_bound

ITEMS = [1, 3, 3, 5, 8, 13]


def test_lower_bound_empty():
    assert lower_bound([], 4) == 0


def test_lower_bound_before_all():
    assert lower_bound(ITEMS, 0) == 0


def test_lower_bound_first_element():
    assert lower_bound(ITEMS, 1) == 0


def test_lower_bound_duplicates():
    assert lower_bound(ITEMS, 3) == 1


@pytest.mark.parametrize(("target", "expected"), [(0, 0), (3, 3), (4, 3), (13, 6), (20, 6)])
def test_upper_bound(target, expected):
    assert upper_bound(ITEMS, target) == expected


def test_contains_missing_small():
    assert not contains(ITEMS, -5)


def test_contains_present():
    assert contains(ITEMS, 8)


def test_count_between():
    assert count_between(ITEMS, 2, 8) == 4
