"""Python tracebacks in any text: plain, chained ("During handling...", "The above exception..."),
SyntaxError (no header, no "in func"), RecursionError ("[Previous line repeated N more times]"),
3.11+ caret lines and exception groups; also when pasted with a margin (log prefixes, quotes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import overload

from dap_proxy.analysis.failure_lines import (
    GROUP_END,
    GROUP_MEMBER,
    MAX_MESSAGE_LINES,
    TRACEBACK_HEAD,
    FailureBlock,
    chain_relation,
    is_boundary,
    is_caret_line,
    split_exception_line,
)
from dap_proxy.analysis.models import ExceptionInfo, Frame

FILE_LINE = re.compile(r'^(\s*)File "([^"]+)", line (\d+)(?:, in (.*\S))?\s*$')
REPEAT_LINE = re.compile(r"^\s*\[Previous line repeated (\d+) more times?\]\s*$")
# exception-group decoration: `  + Exception Group ...`, `  | ...`, `  +-+---- 1 ----`
_GROUP_DECOR = re.compile(r"^\s*[|+](?: |$)")
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Interrupt", "Exit", "Group", "Iteration")
_GROUP_SEPARATOR = re.compile(r"^\s*\+[-+]*-{4}")


class Ungrouped(Sequence[str]):
    """A view of `lines[:stop]` in which exception groups read like ordinary tracebacks: the `| `
    margins are stripped and separators become GROUP_MEMBER / GROUP_END, with each such line's
    nesting depth (the column of its `|`) kept for putting members before their group."""

    def __init__(self, lines: list[str], start: int = 0, stop: int | None = None) -> None:
        self._lines = lines
        self._stop = len(lines) if stop is None else stop
        self._over: dict[int, str] = {}
        self.depth: dict[int, int] = {}  # line index -> nesting column; absent = not in a group
        inside = False
        for i in range(start, self._stop):
            line = lines[i]
            if "Exception Group Traceback (most recent call last):" in line:
                inside = True
            if not inside:
                continue
            column = len(line) - len(line.lstrip())
            if _GROUP_SEPARATOR.match(line):
                # `+-+---- 1 ----` opens members one level deeper; `+--------` closes a group
                numbered = any(ch.isdigit() for ch in line)
                self._over[i] = GROUP_MEMBER if numbered else GROUP_END
                self.depth[i] = column
            elif _GROUP_DECOR.match(line):
                body = line.lstrip()[1:]
                self._over[i] = body[1:] if body.startswith(" ") else body
                self.depth[i] = column
            else:
                inside = False

    def __len__(self) -> int:
        return self._stop

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._stop))]
        return self._over.get(i, self._lines[i])


def _strip_margin(line: str, margin: str) -> str | None:
    if line.startswith(margin):
        return line[len(margin) :]
    if not line.strip() or line.rstrip() == margin.rstrip():
        return ""  # a blank line, or a quoted one (`>` for a `> ` margin)
    return None


def _looks_like_exception(line: str) -> bool:
    parsed = split_exception_line(line)
    return parsed is not None and parsed[0].rsplit(".", 1)[-1].endswith(_EXCEPTION_SUFFIXES)


def _parse_exception(
    lines: Sequence[str], i: int, relation: str | None, bare: bool = False
) -> tuple[ExceptionInfo | None, int, str]:
    """One traceback starting at `lines[i]` (its header, or a bare `File` line as SyntaxError
    prints it, or with `bare` just an exception line: a group member that was never raised).
    Returns the exception (None when this was not one), the index after it and the margin its
    lines carry (a log prefix, a quote)."""
    n = len(lines)
    head = None if bare else TRACEBACK_HEAD.search(lines[i])
    if bare:
        margin = ""
    elif head is not None:
        margin = lines[i][: head.start()]
        i += 1
    else:
        fm = FILE_LINE.match(lines[i])
        if fm is None:
            return None, i + 1, ""
        margin = fm.group(1)[:-2]  # frames are indented two spaces past the margin
    frames: list[Frame] = []
    flat = False
    while i < n:
        s = _strip_margin(lines[i], margin)
        if s is None:
            break
        if not s.strip():
            # a blank line belongs to the traceback only if more frames follow it
            nxt = _strip_margin(lines[i + 1], margin) if i + 1 < n else None
            if nxt is not None and FILE_LINE.match(nxt):
                i += 1
                continue
            break
        fm = FILE_LINE.match(s)
        if fm is not None:
            frames.append(
                Frame(file=fm.group(2), line=int(fm.group(3)), function=fm.group(4) or None)
            )
            # a paste that lost its indentation: the code follows at the same column
            flat = not fm.group(1)
            i += 1
            continue
        if flat and frames and frames[-1].code is None and not _looks_like_exception(s):
            frames[-1].code = s.strip()
            flat = False
            i += 1
            continue
        flat = False
        if s[0] in " \t" or is_caret_line(s):
            repeat = REPEAT_LINE.match(s)
            if repeat and frames:
                frames[-1].repeated = int(repeat.group(1))
            elif not is_caret_line(s) and frames and frames[-1].code is None:
                frames[-1].code = s.strip()
            i += 1
            continue
        if s in (GROUP_MEMBER, GROUP_END):
            break
        parsed = split_exception_line(s)
        if parsed is None:
            break
        exc_type, first = parsed
        i += 1
        message = [first] if first else []
        while i < n and len(message) < MAX_MESSAGE_LINES:
            s = _strip_margin(lines[i], margin)
            if s is None or is_boundary(s):
                break
            message.append(s.rstrip())
            i += 1
        exc = ExceptionInfo(
            type=exc_type, message="\n".join(message), frames=frames, relation=relation
        )
        return exc, i, margin
    if head is not None and frames:
        return ExceptionInfo(type="", frames=frames, relation=relation), i, margin  # cut off
    return None, i, margin


def _next_content(lines: Sequence[str], i: int, margin: str = "") -> int:
    while i < len(lines):
        body = _strip_margin(lines[i], margin)
        if body is None or body.strip():
            break
        i += 1
    return i


def _is_start(line: str) -> bool:
    # substring checks first: most lines of a log are neither, and `in` is far cheaper than `re`
    if "Traceback (" in line and TRACEBACK_HEAD.search(line):
        return True
    return 'File "' in line and FILE_LINE.match(line) is not None


def _members_first(items: list[tuple[int, ExceptionInfo]]) -> list[ExceptionInfo]:
    """Exception groups print before their members (deeper `|` columns); the model wants each
    group after its members, so the final exception stays last. Members not chained to another
    member get relation "group_member"."""
    out: list[ExceptionInfo] = []
    i = 0
    while i < len(items):
        depth, exc = items[i]
        j = i + 1
        if exc.type.endswith("ExceptionGroup") and depth >= 0:
            while j < len(items) and items[j][0] > depth:
                j += 1
            for member in _members_first(items[i + 1 : j]):
                if member.relation is None:
                    member.relation = "group_member"
                out.append(member)
        out.append(exc)
        i = j
    return out


def parse_python(
    lines: list[str], skip: Callable[[int], bool] | None = None, start: int = 0, end: int = -1
) -> list[FailureBlock]:
    """Every Python traceback in `lines[start:end]`, each chain of exceptions (with exception
    group members) one block. `skip(i)` marks lines another parser owns."""
    stop = len(lines) if end < 0 else end
    region = Ungrouped(lines, start, stop)
    blocks: list[FailureBlock] = []
    i = start
    while i < stop:
        if (skip is not None and skip(i)) or not _is_start(region[i]):
            i += 1
            continue
        block_start = i
        chain: list[tuple[int, ExceptionInfo]] = []
        relation: str | None = None
        bare = False
        while i < stop:
            depth = region.depth.get(i, -1)
            exc, i, margin = _parse_exception(region, i, relation, bare)
            if exc is None:
                break
            chain.append((depth, exc))
            j = _next_content(region, i, margin)
            in_group = False
            while j < stop and region[j] in (GROUP_MEMBER, GROUP_END):
                in_group = in_group or region[j] == GROUP_MEMBER
                j = _next_content(region, j + 1, margin)
            relation = chain_relation(region[j]) if j < stop else None
            bare = False
            if relation is not None:
                j = _next_content(region, j + 1, margin)
            elif not in_group or j >= stop:
                break
            elif not _is_start(region[j]):
                # a member that was never raised prints only `Type: message`
                bare = split_exception_line(region[j]) is not None
                if not bare:
                    break
            if j >= stop or not (bare or _is_start(region[j])):
                break
            i = j
        if chain:
            blocks.append(FailureBlock(block_start, i, "python", _members_first(chain)))
        i = max(i, block_start + 1)
    return blocks
