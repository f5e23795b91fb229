"""Test data: branches, early exits, recursion and a comprehension (lines found by markers)."""

LIMIT = 3


def ratio(a, b, mode):
    scale = 2
    if mode == "fast" and b >= 0:  # @if-fast
        return a / b * scale  # @crash-then
    elif mode is None:  # @elif
        raise ValueError(mode)  # @crash-elif
    else:
        return a * scale  # @crash-else


def first_value(items):
    if not items:  # @guard
        return None
    first = items[0]  # @first
    return first.value  # @crash-after-guard


def depth(node, seen):
    if node is None:
        return 0
    seen.append(node.name)  # @mutation
    return 1 + depth(node.child, seen)  # @recursive


def totals(rows):
    total = 0  # @total-init
    doubled = [row * 2 for row in rows if row]  # @comprehension
    for row in rows:  # @loop
        if row.skip:
            continue
        total += row.amount  # @accumulate
    return total / len(doubled)  # @crash-total


def validator(value):
    check = helper(value)
    if check(value) > LIMIT:  # @call-condition
        return value.upper()  # @crash-call-guard
    return value


def helper(value):
    return lambda v: len(v)
