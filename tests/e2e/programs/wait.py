"""Test debuggee: prints its pid, then runs until it is stopped (or stdin closes)."""

import os
import sys
import time

print("waiting pid", os.getpid(), flush=True)
while True:
    time.sleep(0.05)  # @bp tick
    if sys.argv[1:] == ["--once"]:
        break
