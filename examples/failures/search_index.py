"""Binary search over a sorted index. Bug: when the middle element is too small `lo` is set to
`mid` instead of `mid + 1`, so with lo == mid the loop never moves and the job hangs."""

import sys


def find_slot(keys: list[int], target: int) -> int:
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[mid] < target:
            lo = mid
        else:
            hi = mid
    return lo


if __name__ == "__main__":
    print("indexing started", flush=True)
    sys.stdout.flush()
    print(find_slot([1, 3, 5, 7, 9, 11], 12))
