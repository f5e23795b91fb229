import pytest

from matrix import determinant, identity, multiply, power, trace, transpose

A = [[1, 2], [3, 4]]


def test_identity():
    assert identity(3) == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_transpose_rectangular():
    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]


def test_multiply_square():
    assert multiply(A, [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]


def test_multiply_by_identity():
    assert multiply(A, identity(2)) == A


def test_multiply_row_by_column():
    assert multiply([[1, 2, 3]], [[4], [5], [6]]) == [[32]]


def test_multiply_wide_by_tall():
    assert multiply([[1, 0, 2], [0, 1, 1]], [[1, 1], [2, 0], [0, 3]]) == [[1, 7], [2, 3]]


def test_multiply_tall_by_wide():
    assert multiply([[1], [2], [3]], [[1, 2]]) == [[1, 2], [2, 4], [3, 6]]


def test_multiply_shape_mismatch():
    with pytest.raises(ValueError):
        multiply(A, [[1, 2, 3]])


@pytest.mark.parametrize(("n", "expected"), [(0, [[1, 0], [0, 1]]), (1, A), (3, [[37, 54], [81, 118]])])
def test_power(n, expected):
    assert power(A, n) == expected


def test_determinant_3x3():
    assert determinant([[2, 0, 1], [1, 3, 2], [1, 1, 2]]) == 6


def test_trace():
    assert trace(A) == 5
