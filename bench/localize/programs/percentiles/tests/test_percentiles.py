import pytest

from stats import mean, percentile, summary, variance


def test_mean():
    assert mean([1, 2, 3, 6]) == 3


def test_variance():
    assert variance([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(4.571428, rel=1e-5)


def test_variance_needs_two():
    with pytest.raises(ValueError):
        variance([1])


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([5, 1, 3], 0, 1),
        ([5, 1, 3], 100, 5),
        ([5, 1, 3], 50, 3),
        ([1, 2, 3, 4], 50, 2.5),
        ([10, 20, 30, 40, 50], 10, 14),
    ],
)
def test_percentile(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_bad_p():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_summary_of_odd_sample():
    assert summary([3, 1, 5, 2, 4]) == {"min": 1, "q1": 2, "median": 3, "q3": 4, "max": 5, "mean": 3}


def test_summary_of_even_sample():
    assert summary([1, 2, 3, 4, 5, 6])["q1"] == pytest.approx(2.25)
