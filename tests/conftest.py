"""Shared test helpers: waiting on events with named timeouts instead of sleeping (STYLE.md 10)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

EVENT_TIMEOUT = 30.0  # seconds: a debugpy event, a process exit
POLL_SECONDS = 0.01  # between two checks of a condition


def _settled(predicate: Callable[[], T], deadline: float, timeout: float, what: str) -> T | None:
    """The predicate's value when truthy, None to poll again, TimeoutError past `deadline`."""
    value = predicate()
    if value:
        return value
    if time.monotonic() > deadline:
        raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what or predicate}")
    return None


def wait_for(predicate: Callable[[], T], timeout: float = EVENT_TIMEOUT, what: str = "") -> T:
    """Poll `predicate` until it returns a truthy value; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while (value := _settled(predicate, deadline, timeout, what)) is None:
        time.sleep(POLL_SECONDS)
    return value


async def wait_for_async(
    predicate: Callable[[], T], timeout: float = EVENT_TIMEOUT, what: str = ""
) -> T:
    """`wait_for` for asyncio tests: the loop keeps running (a client reading on it) meanwhile."""
    deadline = time.monotonic() + timeout
    while (value := _settled(predicate, deadline, timeout, what)) is None:
        await asyncio.sleep(POLL_SECONDS)
    return value
