"""Noticing that the debugged program failed during the session: an uncaught-exception stop
(debugpy's exceptionInfo gives the traceback), or an exit with a traceback or a pytest failure
summary in what it printed. The program's output is kept in a bounded tail for this."""

from __future__ import annotations

import re
from collections import deque

TAIL_CHARS = 256_000  # of stdout and of stderr
_TRACEBACK = "Traceback (most recent call last):"
_PYTEST_FAILED = re.compile(r"^(FAILED |ERROR |=+ FAILURES =+|=+ short test summary info)", re.M)


class OutputTail:
    """The last TAIL_CHARS characters the program wrote to one stream."""

    def __init__(self) -> None:
        self._parts: deque[str] = deque()
        self._size = 0

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        while self._size > TAIL_CHARS and len(self._parts) > 1:
            self._size -= len(self._parts.popleft())

    def text(self) -> str:
        return "".join(self._parts)[-TAIL_CHARS:]


def failure_in_output(stdout: str, stderr: str, exit_code: int | None) -> str | None:
    """The failure text a run printed, if it failed: the last traceback on stderr (or stdout),
    else a pytest failure report; None for a clean exit or output without a failure."""
    for stream in (stderr, stdout):
        at = stream.rfind(_TRACEBACK)
        if at >= 0 and (exit_code not in (0, None) or stream is stderr):
            return stream[at:]
    if exit_code not in (0, None) and _PYTEST_FAILED.search(stdout):
        return stdout
    return None


def traceback_from_exception(exception: dict[str, object]) -> str:
    """debugpy's exceptionInfo (type, message, stack_trace) as the text Python would print."""
    stack = str(exception.get("stack_trace") or "").rstrip("\n")
    head = f"{exception.get('type') or 'Exception'}: {exception.get('message') or ''}".rstrip(": ")
    if stack and not stack.lstrip().startswith(_TRACEBACK):
        stack = f"{_TRACEBACK}\n{stack}"
    return f"{stack}\n{head}\n" if stack else f"{head}\n"
