"""Test data run under real debugpy: it divides by a count that stays zero."""


def average(values, scale):
    total = 0
    count = 0
    for value in values:
        if value is None:
            continue
        total += value * scale
        count += 1
    if scale > 1:
        total = total - 1  # @scaled
    return total / count  # @crash


print("result", average([None, None], 2))
