"""Binary search over sorted lists: leftmost and rightmost positions, membership, ranges."""

from collections.abc import Sequence


def lower_bound(items: Sequence[int], target: int) -> int:
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] < target:
            lo = mid
        else:
            hi = mid
    return lo


def upper_bound(items: Sequence[int], target: int) -> int:
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] <= target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def contains(items: Sequence[int], target: int) -> bool:
    i = lower_bound(items, target)
    return i < len(items) and items[i] == target


def count_between(items: Sequence[int], low: int, high: int) -> int:
    return upper_bound(items, high) - lower_bound(items, low)
