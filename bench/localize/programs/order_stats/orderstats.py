"""Order statistics without sorting everything: k-th smallest (quickselect), median, quantiles."""

from collections.abc import Sequence


def kth_smallest(values: Sequence[float], k: int) -> float:
    if not 0 <= k < len(values):
        raise IndexError(f"k={k} out of range for {len(values)} values")
    pivot = values[len(values) // 2]
    lows = [v for v in values if v < pivot]
    pivots = [v for v in values if v == pivot]
    highs = [v for v in values if v > pivot]
    if k < len(lows):
        return kth_smallest(lows, k)
    if k < len(lows) + len(pivots):
        return pivot
    return kth_smallest(highs, k - len(lows))


def median(values: Sequence[float]) -> float:
    n = len(values)
    if n == 0:
        raise ValueError("median of no values")
    if n % 2:
        return kth_smallest(values, n // 2)
    return (kth_smallest(values, n // 2 - 1) + kth_smallest(values, n // 2)) / 2


def quantile(values: Sequence[float], q: float) -> float:
    if not 0 <= q <= 1:
        raise ValueError("q must be within [0, 1]")
    return kth_smallest(values, min(len(values) - 1, int(q * len(values))))
