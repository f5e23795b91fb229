import pytest

from isqrt import is_square, isqrt, nearest_square


@pytest.mark.parametrize(("n", "root"), [(0, 0), (1, 1), (2, 1), (4, 2), (10, 3), (16, 4), (17, 4), (10**12, 10**6)])
def test_isqrt(n, root):
    assert isqrt(n) == root


def test_negative():
    with pytest.raises(ValueError):
        isqrt(-1)


def test_one_below_square():
    assert isqrt(15) == 3


def test_is_square():
    assert is_square(49)
    assert not is_square(50)


def test_nearest_square_below_square():
    assert nearest_square(24) == 25
