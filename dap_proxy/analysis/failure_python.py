"""Python tracebacks in any text: plain, chained ("During handling...", "The above exception..."),
SyntaxError (no header, no "in func"), RecursionError ("[Previous line repeated N more times]"),
3.11+ caret lines and exception groups; also when pasted with a margin (log prefixes, quotes)."""

from __future__ import annotations

import re
from collections.abc import Callable

from dap_proxy.analysis.failure_lines import (
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
_GROUP_SEPARATOR = re.compile(r"^\s*\+[-+]*-{4}")


def ungroup(lines: list[str]) -> list[str]:
    """Exception groups print members inside `| ` margins with `+---- N ----` separators; strip
    the decoration (keeping line indices) so members read like ordinary tracebacks."""
    out = list(lines)
    inside = False
    for i, line in enumerate(lines):
        if "Exception Group Traceback (most recent call last):" in line:
            inside = True
        if not inside:
            continue
        if _GROUP_SEPARATOR.match(line):
            out[i] = GROUP_MEMBER
        elif _GROUP_DECOR.match(line):
            body = line.lstrip()[1:]
            out[i] = body[1:] if body.startswith(" ") else body
        else:
            inside = False
    return out


def _strip_margin(line: str, margin: str) -> str | None:
    if line.startswith(margin):
        return line[len(margin) :]
    if not line.strip():
        return ""
    return None


def _parse_exception(
    lines: list[str], i: int, relation: str | None
) -> tuple[ExceptionInfo | None, int, str]:
    """One traceback starting at `lines[i]` (its header, or a bare `File` line as SyntaxError
    prints it). Returns the exception (None when this was not one), the index after it and the
    margin its lines carry (a log prefix, a quote)."""
    n = len(lines)
    head = TRACEBACK_HEAD.search(lines[i])
    if head is not None:
        margin = lines[i][: head.start()]
        i += 1
    else:
        fm = FILE_LINE.match(lines[i])
        if fm is None:
            return None, i + 1, ""
        margin = fm.group(1)[:-2]  # frames are indented two spaces past the margin
    frames: list[Frame] = []
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
            i += 1
            continue
        if s[0] in " \t":
            repeat = REPEAT_LINE.match(s)
            if repeat and frames:
                frames[-1].repeated = int(repeat.group(1))
            elif not is_caret_line(s) and frames and frames[-1].code is None:
                frames[-1].code = s.strip()
            i += 1
            continue
        if s == GROUP_MEMBER:
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


def _next_content(lines: list[str], i: int, margin: str = "") -> int:
    while i < len(lines):
        body = _strip_margin(lines[i], margin)
        if body is None or body.strip():
            break
        i += 1
    return i


def _is_start(line: str) -> bool:
    return bool(TRACEBACK_HEAD.search(line)) or bool(FILE_LINE.match(line))


def _groups_last(chain: list[ExceptionInfo]) -> list[ExceptionInfo]:
    """Exception groups print before their members; the model wants the final exception last."""
    groups = [e for e in chain if e.type.endswith("ExceptionGroup") and e.relation != "cause"]
    if not groups:
        return chain
    rest = [e for e in chain if not any(e is g for g in groups)]
    return rest + groups[::-1]


def parse_python(
    lines: list[str], skip: Callable[[int], bool] | None = None, start: int = 0, end: int = -1
) -> list[FailureBlock]:
    """Every Python traceback in `lines[start:end]` (lines already passed through `ungroup`),
    each chain of exceptions one block. `skip(i)` marks lines another parser owns."""
    stop = len(lines) if end < 0 else end
    region = lines[:stop]
    blocks: list[FailureBlock] = []
    i = start
    while i < stop:
        if (skip is not None and skip(i)) or not _is_start(region[i]):
            i += 1
            continue
        block_start = i
        chain: list[ExceptionInfo] = []
        relation: str | None = None
        while i < stop:
            exc, i, margin = _parse_exception(region, i, relation)
            if exc is None:
                break
            chain.append(exc)
            j = _next_content(region, i, margin)
            relation = chain_relation(region[j]) if j < stop else None
            if relation is not None:
                j = _next_content(region, j + 1, margin)
            elif j < stop and region[j] == GROUP_MEMBER:
                while j < stop and region[j] == GROUP_MEMBER:
                    j = _next_content(region, j + 1, margin)
                relation = "group_member"
            if relation is None or j >= stop or not _is_start(region[j]):
                break
            i = j
        if chain:
            blocks.append(FailureBlock(block_start, i, "python", _groups_last(chain)))
        i = max(i, block_start + 1)
    return blocks
