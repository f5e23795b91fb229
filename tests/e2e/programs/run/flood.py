"""Test debuggee: floods its output (about 40 MB), then fails."""

import sys

LINE = "x" * 1023 + "\n"
for _ in range(40_000):
    sys.stdout.write(LINE)
raise SystemExit("flooded and failed")
