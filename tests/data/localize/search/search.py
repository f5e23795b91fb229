"""Binary search over a sorted list."""


def find(items, target):
    lo, hi = 0, len(items) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid  # @fault
        else:
            hi = mid - 1
    return -1


def contains(items, target):
    return find(items, target) >= 0
