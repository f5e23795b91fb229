"""Test debuggee: prints which interpreter runs it, and exits with code 0."""

import sys

print("hello from", sys.prefix, flush=True)
