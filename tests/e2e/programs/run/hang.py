"""Test debuggee: never finishes (a loop waiting for a flag nobody sets)."""

import time

ready = False


def wait_until_ready():
    polls = 0
    while not ready:
        polls += 1  # @bp poll
        time.sleep(0.01)
    return polls


wait_until_ready()
