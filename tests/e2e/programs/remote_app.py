"""Test debuggee for remote attach: a breakpoint, then waits for a line on stdin (sent by the
test after the debugger detached) to show it kept running."""

import sys


def compute(n):
    result = n * 7  # @bp compute
    return result


print("before", compute(6), flush=True)
line = sys.stdin.readline()
print("after detach", line.strip(), flush=True)
