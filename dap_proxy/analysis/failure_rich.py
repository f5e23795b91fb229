"""Tracebacks drawn by `rich` (rich.traceback.install(), typer and many CLIs): a box titled
`Traceback (most recent call last)`, `│ /path.py:14 in func │` frame lines, a `❱ 14 │ code` marker
on the failing line (rich cuts long lines at the box edge), and the exception line after the
box; chained boxes are joined by Python's usual sentences."""

from __future__ import annotations

import re
from collections.abc import Callable

from dap_proxy.analysis.failure_lines import (
    MAX_MESSAGE_LINES,
    FailureBlock,
    is_boundary,
    next_in_chain,
    split_exception_line,
)
from dap_proxy.analysis.models import ExceptionInfo, Frame

_TOP = "\u256d"  # ╭
_BOTTOM = "\u2570"  # ╰
_BAR = "\u2502"  # │
_FRAME = re.compile(r"^\u2502 (\S[^\u2502]*?):(\d+) in (\S[^\u2502]*?)\s*\u2502\s*$")
_MARK = re.compile(r"^\u2502 \u2771 (\d+) (.*?)\s*\u2502\s*$")  # │ ❱ 14 │   code │
_MAX_BOX = 600  # lines one box may span


def _is_top(line: str) -> bool:
    return line.startswith(_TOP) and "Traceback (most recent call last)" in line


def _box(lines: list[str], i: int, relation: str | None) -> tuple[ExceptionInfo | None, int]:
    """The box starting at `lines[i]` and the exception line under it."""
    frames: list[Frame] = []
    stop = min(len(lines), i + _MAX_BOX)
    i += 1
    while i < stop and not lines[i].startswith(_BOTTOM):
        line = lines[i]
        fm = _FRAME.match(line) if line.startswith(_BAR) else None
        mark = _MARK.match(line) if fm is None and "\u2771" in line else None
        if fm is not None:
            frames.append(Frame(file=fm.group(1), line=int(fm.group(2)), function=fm.group(3)))
        elif mark is not None and frames and frames[-1].line == int(mark.group(1)):
            frames[-1].code = mark.group(2).lstrip(" " + _BAR) or None
        i += 1
    if i >= stop or i + 1 >= len(lines):
        return None, i
    parsed = split_exception_line(lines[i + 1])
    if parsed is None:
        return None, i + 1
    message = [parsed[1]] if parsed[1] else []
    i += 2
    while i < len(lines) and len(message) < MAX_MESSAGE_LINES and not is_boundary(lines[i]):
        message.append(lines[i].rstrip())
        i += 1
    exc = ExceptionInfo(type=parsed[0], message="\n".join(message), frames=frames)
    exc.relation = relation
    return exc, i


def parse_rich(lines: list[str], skip: Callable[[int], bool] | None = None) -> list[FailureBlock]:
    """Every rich traceback in the lines, chained boxes one block."""
    blocks: list[FailureBlock] = []
    i = 0
    while i < len(lines):
        if (skip is not None and skip(i)) or not _is_top(lines[i]):
            i += 1
            continue
        start = i
        chain: list[ExceptionInfo] = []
        relation: str | None = None
        while i < len(lines):
            exc, i = _box(lines, i, relation)
            if exc is None:
                break
            chain.append(exc)
            relation, j = next_in_chain(lines, i)
            if relation is None or j >= len(lines) or not _is_top(lines[j]):
                break
            i = j
        if chain:
            blocks.append(FailureBlock(start, i, "python", chain))
        i = max(i, start + 1)
    return blocks
