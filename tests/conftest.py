"""Shared test helpers: waiting on events with named timeouts instead of sleeping (STYLE.md 10)."""

from __future__ import annotations

import asyncio
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

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


PROGRAMS_STORE = Path(__file__).resolve().parent / "e2e" / "programs" / ".smart-debug"


@pytest.fixture(autouse=True)
def _no_store_left_in_the_test_programs() -> Iterator[None]:
    """A debug session whose program fails records that failure in the workspace store (its
    `cwd`): tests that debug the shared programs in place must not see each other's."""
    shutil.rmtree(PROGRAMS_STORE, ignore_errors=True)
    yield
    shutil.rmtree(PROGRAMS_STORE, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    # A shell starts a background job (`make test &`, nohup) with SIGINT ignored, and an ignored
    # signal stays ignored in every child: the tests that interrupt a program like a user's
    # Ctrl-C would then wait for a program that never hears it. A handler of our own is reset to
    # the default in each child, so the children get Ctrl-C as from a terminal.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
