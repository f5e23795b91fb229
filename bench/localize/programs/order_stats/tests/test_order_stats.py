import pytest

from orderstats import kth_smallest, median, quantile

DATA = [7, 2, 9, 4, 4, 1, 8]


@pytest.mark.parametrize("k", range(7))
def test_kth_smallest_matches_sorted(k):
    assert kth_smallest(DATA, k) == sorted(DATA)[k]


def test_kth_out_of_range():
    with pytest.raises(IndexError):
        kth_smallest(DATA, 7)


def test_median_odd():
    assert median([3, 1, 2]) == 2


def test_median_even():
    assert median([10, 1, 4, 3]) == 3.5


def test_median_empty():
    with pytest.raises(ValueError):
        median([])


def test_quantile_low():
    assert quantile(DATA, 0.0) == 1


def test_quantile_high():
    assert quantile(DATA, 1.0) == 9
