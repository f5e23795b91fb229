"""Binary search over a sorted index. Bug: when the middle element is too small `lo` is set to
`mid` instead of `mid + 1`, so with lo == mid the loop never moves and the job hangs."""

SLOW_SEARCH_STEPS = 1000  # a search this long is logged: the index has at most a few thousand keys


def find_slot(keys: list[int], target: int) -> int:
    lo, hi = 0, len(keys)
    steps = 0
    while lo < hi:
        steps += 1
        if steps == SLOW_SEARCH_STEPS:
            print(f"slow search for {target}: {steps} steps", flush=True)
        mid = (lo + hi) // 2
        if keys[mid] < target:
            lo = mid
        else:
            hi = mid
    return lo


if __name__ == "__main__":
    print(find_slot([1, 3, 5, 7, 9, 11], 12))
