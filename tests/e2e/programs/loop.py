"""Test debuggee: calls, a loop with several marked lines, output and a chosen exit code."""

import sys


def helper(x):
    y = x * 2  # @bp helper
    return y + 1


def accumulate(n):
    total = 0
    for i in range(n):
        total += i  # @bp loop
        square = i * i  # @bp square
        note = total - square  # @bp note
    return total + note * 0


def main():
    value = helper(3)  # @bp call
    print("value", value)  # @bp after_call
    print("sum", accumulate(10))
    sys.exit(3)


main()
