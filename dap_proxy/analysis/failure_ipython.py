"""IPython / Jupyter tracebacks (IPython 8), as pasted from a notebook: a `Type   Traceback (most
recent call last)` header, `File /path.py:10, in Cls.func(args)` / `Cell In[3], line 2` frames
with numbered source and a `---->` arrow on the failing line, chained sections, and the bare
`File /path.py:2` + caret shape of a SyntaxError."""

from __future__ import annotations

import re
from collections.abc import Callable

from dap_proxy.analysis.failure_lines import (
    MAX_MESSAGE_LINES,
    FailureBlock,
    is_boundary,
    is_caret_line,
    next_in_chain,
    split_exception_line,
)
from dap_proxy.analysis.models import ExceptionInfo, Frame

_HEAD = re.compile(r"^([A-Za-z_][\w.]*)\s{2,}Traceback \(most recent call last\)\s*$")
_FILE = re.compile(
    r"^(\s*)(?:File ([^\s\"'][^:]*):(\d+)|Cell (In\[\d+\]), line (\d+))(?:, in (.+))?$"
)
_ARROW = re.compile(r"^-+> ?(\d+)\s(.*)$")
_MAX_SECTION = 400  # lines one traceback section may span


def _function(text: str | None) -> str:
    """`Cart.average_price(self)` -> `average_price`, like Python's own traceback; a frame
    without `in ...` runs at module level."""
    if not text:
        return "<module>"
    return text.split("(", 1)[0].strip().rsplit(".", 1)[-1] or "<module>"


def _frame(m: re.Match[str]) -> Frame:
    if m.group(2) is not None:
        return Frame(file=m.group(2), line=int(m.group(3)), function=_function(m.group(6)))
    return Frame(file=f"Cell {m.group(4)}", line=int(m.group(5)), function=_function(m.group(6)))


def _exception(lines: list[str], i: int) -> tuple[str, str, int] | None:
    """(type, message, index after) for an exception line at `lines[i]`."""
    parsed = split_exception_line(lines[i])
    if parsed is None:
        return None
    message = [parsed[1]] if parsed[1] else []
    i += 1
    while i < len(lines) and len(message) < MAX_MESSAGE_LINES and not is_boundary(lines[i]):
        message.append(lines[i].rstrip())
        i += 1
    return parsed[0], "\n".join(message), i


def _section(lines: list[str], i: int, relation: str | None) -> tuple[ExceptionInfo | None, int]:
    """One `Type   Traceback (most recent call last)` section starting at its header."""
    head = _HEAD.match(lines[i])
    if head is None:
        return None, i + 1
    frames: list[Frame] = []
    stop = min(len(lines), i + _MAX_SECTION)
    i += 1
    while i < stop:
        line = lines[i]
        fm = _FILE.match(line)
        arrow = _ARROW.match(line) if line.startswith("-") else None
        if fm is not None and not fm.group(1):
            frames.append(_frame(fm))
        elif arrow is not None and frames:
            frames[-1].code = arrow.group(2).strip()
        elif line[:1] not in ("", " ", "\t") and not is_caret_line(line):
            found = _exception(lines, i)
            # the header names the class; the last line may add its module
            if (
                found is not None
                and found[0].rsplit(".", 1)[-1] == head.group(1).rsplit(".", 1)[-1]
            ):
                return ExceptionInfo(
                    type=found[0], message=found[1], frames=frames, relation=relation
                ), found[2]
        i += 1
    return None, i


def _syntax_error(lines: list[str], i: int) -> tuple[ExceptionInfo | None, int]:
    """`  File /path.py:2` + code + caret + `SyntaxError: ...` (no header)."""
    fm = _FILE.match(lines[i])
    if fm is None or fm.group(2) is None or len(fm.group(1)) != 2:
        return None, i + 1
    frame = Frame(file=fm.group(2), line=int(fm.group(3)))
    for k in range(i + 1, min(len(lines), i + 4)):
        if lines[k].startswith("    ") and not is_caret_line(lines[k]):
            frame.code = frame.code or lines[k].strip()
            continue
        if is_caret_line(lines[k]):
            continue
        found = _exception(lines, k)
        if found is not None and found[0].endswith(("Error", "Exception")):
            return ExceptionInfo(type=found[0], message=found[1], frames=[frame]), found[2]
        break
    return None, i + 1


def parse_ipython(
    lines: list[str], skip: Callable[[int], bool] | None = None
) -> list[FailureBlock]:
    """Every IPython traceback in the lines, chained sections one block."""
    blocks: list[FailureBlock] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (skip is not None and skip(i)) or not (
            "Traceback (most recent call last)" in line or line.startswith("  File ")
        ):
            i += 1
            continue
        if line.startswith("  File "):
            exc, end = _syntax_error(lines, i)
            if exc is not None:
                blocks.append(FailureBlock(i, end, "python", [exc]))
            i = end
            continue
        start = i - 1 if i > 0 and lines[i - 1].startswith("-----") else i
        chain: list[ExceptionInfo] = []
        relation: str | None = None
        while i < len(lines):
            exc, i = _section(lines, i, relation)
            if exc is None:
                break
            chain.append(exc)
            relation, j = next_in_chain(lines, i)
            if relation is None or j >= len(lines) or not _HEAD.match(lines[j]):
                break
            i = j
        if chain:
            blocks.append(FailureBlock(start, i, "python", chain))
        else:
            i = max(i, start + 1)
    return blocks
