import pytest

from stats import mean, spread, summary, variance


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_mean_empty():
    with pytest.raises(ValueError):
        mean([])


def test_variance_constant():
    assert variance([4, 4, 4]) == 0


def test_variance():
    assert variance([1, 3]) == 1


def test_spread():
    assert spread([3, 9, 1]) == 8


def test_summary():
    assert summary([2, 4]) == {"mean": 3, "variance": 1, "spread": 2}
