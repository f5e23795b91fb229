"""Descriptive statistics: mean, sample variance, interpolated percentiles, a summary."""

import math
from collections.abc import Sequence


def mean(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("mean of no values")
    return sum(values) / len(values)


def variance(values: Sequence[float]) -> float:
    if len(values) < 2:
        raise ValueError("variance needs at least two values")
    m = mean(values)
    return sum((v - m) ** 2 for v in values) / (len(values) - 1)


def percentile(values: Sequence[float], p: float) -> float:
    if not values or not 0 <= p <= 100:
        raise ValueError("need values and 0 <= p <= 100")
    ordered = sorted(values)
    rank = p / 100 * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] + ordered[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "min": min(values),
        "q1": percentile(values, 25),
        "median": percentile(values, 50),
        "q3": percentile(values, 75),
        "max": max(values),
        "mean": mean(values),
    }
