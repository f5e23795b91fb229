"""Shared test helpers: waiting on events with named timeouts instead of sleeping (STYLE.md 10)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

EVENT_TIMEOUT = 30.0  # seconds: a debugpy event, a process exit


def wait_for(predicate: Callable[[], T], timeout: float = EVENT_TIMEOUT, what: str = "") -> T:
    """Poll `predicate` until it returns a truthy value; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what or predicate}")
        time.sleep(0.01)
