"""Dense matrices as lists of rows: identity, transpose, product, power, determinant."""

Matrix = list[list[float]]


def shape(m: Matrix) -> tuple[int, int]:
    return len(m), len(m[0]) if m else 0


def identity(n: int) -> Matrix:
    return [[1 if i == j else 0 for j in range(n)] for i in range(n)]


def transpose(m: Matrix) -> Matrix:
    rows, cols = shape(m)
    return [[m[i][j] for i in range(rows)] for j in range(cols)]


def multiply(a: Matrix, b: Matrix) -> Matrix:
    rows, inner = shape(a)
    inner_b, cols = shape(b)
    if inner != inner_b:
        raise ValueError(f"cannot multiply {rows}x{inner} by {inner_b}x{cols}")
    result = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        for j in range(cols):
            result[i][j] = sum(a[i][k] * b[k][j] for k in range(rows))
    return result


def power(m: Matrix, exponent: int) -> Matrix:
    result = identity(len(m))
    base = m
    while exponent > 0:
        if exponent & 1:
            result = multiply(result, base)
        base = multiply(base, base)
        exponent >>= 1
    return result


def determinant(m: Matrix) -> float:
    n = len(m)
    if n == 1:
        return m[0][0]
    total = 0
    for col in range(n):
        minor = [row[:col] + row[col + 1 :] for row in m[1:]]
        total += (-1) ** col * m[0][col] * determinant(minor)
    return total


def trace(m: Matrix) -> float:
    return sum(m[i][i] for i in range(len(m)))
