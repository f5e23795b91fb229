"""Exact integer square roots by Newton's method, and helpers built on them."""


def isqrt(n: int) -> int:
    if n < 0:
        raise ValueError("square root of a negative number")
    if n < 2:
        return n
    x = n
    while True:
        y = (x + n // x) // 2
        if y == x:
            return x
        x = y


def is_square(n: int) -> bool:
    return n >= 0 and isqrt(n) ** 2 == n


def nearest_square(n: int) -> int:
    root = isqrt(n)
    low, high = root * root, (root + 1) * (root + 1)
    return low if n - low <= high - n else high
