"""Node.js / JavaScript stack traces: `at fn (file:line:col)`, `at file:line:col`, `at async fn`,
`at new C`, `node:internal/...` and `file://` (ESM) frames, the `TypeError: ...` line above them and
the `file:line` + code + caret excerpt Node prints for an uncaught error (the only location a
parse-time SyntaxError has). Frames are returned outermost first, like Python's."""

from __future__ import annotations

import re
from collections.abc import Callable

from dap_proxy.analysis.failure_lines import MAX_MESSAGE_LINES, FailureBlock, is_caret_line
from dap_proxy.analysis.models import ExceptionInfo, Frame
from dap_proxy.analysis.workspace import file_url_to_path

_AT = re.compile(r"^\s+at (.+)$")
# `TypeError: msg`, `Error [ERR_X]: msg`, `Uncaught RangeError: msg` (browser consoles)
_ERROR_LINE = re.compile(
    r"^\s*(?:Uncaught )?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?: \[\w+\])?:(?: (.*))?$"
)
_BARE_ERROR = re.compile(r"^\s*(?:Uncaught )?([A-Z][\w$]*(?:Error|Exception))\s*$")
_PSEUDO_LOCATION = re.compile(r"^(?:<anonymous>|native|index \d+|eval at .*)$")
_MAX_LOOKBACK = 12  # lines above the first `at` searched for the error line


def _split_location(location: str) -> tuple[str, int, int] | None:
    parts = location.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit() or not parts[0]:
        return None
    return file_url_to_path(parts[0]), int(parts[1]), int(parts[2])


def parse_at(rest: str) -> Frame | None:
    """One `at ...` line body -> Frame; None when it is not a stack frame (prose)."""
    rest = rest.strip()
    if rest.endswith(" {"):
        rest = rest[:-2]  # the last frame of an uncaught error that has extra properties
    if rest.startswith("async "):
        rest = rest[len("async ") :]
    function: str | None = None
    location = rest
    if rest.endswith(")"):
        paren = rest.rfind(" (")
        if paren > 0:
            function, location = rest[:paren], rest[paren + 2 : -1]
    where = _split_location(location)
    if where is not None:
        return Frame(file=where[0], line=where[1], column=where[2], function=function)
    if function is not None and _PSEUDO_LOCATION.match(location):
        return Frame(file=f"<{location.strip('<>')}>", function=function, is_library=True)
    return None


def _error_above(lines: list[str], first_at: int) -> tuple[int, str, str] | None:
    """(line index, type, message) of the error line printed above a stack: the topmost line of
    that shape in the lines right above it; past a blank line (assertion messages hold some) the
    nearest `...Error` line, so a stray `Note: ...` further up is not taken for the error."""
    found: int | None = None
    crossed_blank = False
    match: re.Match[str] | None = None
    k = first_at - 1
    while k >= 0 and first_at - k <= _MAX_LOOKBACK:
        line = lines[k]
        if not line.strip():
            if found is not None:
                break
            crossed_blank = True
        elif _AT.match(line):
            break
        else:
            m = _ERROR_LINE.match(line) or _BARE_ERROR.match(line)
            if m is not None and (not crossed_blank or m.group(1).endswith(("Error", "Exception"))):
                found, match = k, m
                if crossed_blank:
                    break
        k -= 1
    if found is None or match is None:
        return None
    indent = len(lines[found]) - len(lines[found].lstrip())  # a test reporter indents it all
    tail = [
        (t[indent:] if not t[:indent].strip() else t).rstrip()
        for t in lines[found + 1 : first_at][:MAX_MESSAGE_LINES]
    ]
    head = match.group(2) if match.re is _ERROR_LINE else ""
    return found, match.group(1), "\n".join([head or "", *tail]).strip()


def _excerpt_above(lines: list[str], error_line: int) -> tuple[int, Frame] | None:
    """`/app/x.js:3` + code + caret above the error line, as a frame with its column."""
    k = error_line - 1
    while k >= 0 and not lines[k].strip() and error_line - k <= 2:
        k -= 1
    if k < 2 or not is_caret_line(lines[k]) or "^" not in lines[k]:
        return None
    caret, code, header = lines[k], lines[k - 1], lines[k - 2].strip()
    file, _, number = header.rpartition(":")
    if not file or not number.isdigit() or " " in file:
        return None
    frame = Frame(
        file=file_url_to_path(file),
        line=int(number),
        code=code.strip(),
        column=caret.index("^") + 1,
    )
    return k - 2, frame


def parse_node(lines: list[str], skip: Callable[[int], bool] | None = None) -> list[FailureBlock]:
    """Every JavaScript stack trace in the lines, one block each."""
    blocks: list[FailureBlock] = []
    i, n = 0, len(lines)
    while i < n:
        m = _AT.match(lines[i]) if skip is None or not skip(i) else None
        frame = parse_at(m.group(1)) if m else None
        if frame is None:
            i += 1
            continue
        first_at = i
        stack = [frame]
        i += 1
        while i < n:
            m = _AT.match(lines[i])
            nxt = parse_at(m.group(1)) if m else None
            if nxt is None:
                break
            stack.append(nxt)
            i += 1
        error = _error_above(lines, first_at)
        if error is None and not any(f.line for f in stack):
            continue
        start = error[0] if error else first_at
        exc_type, message = (error[1], error[2]) if error else ("Error", "")
        excerpt = _excerpt_above(lines, start) if error else None
        if excerpt is not None:
            start, place = excerpt
            top = stack[0]
            if top.file == place.file and top.line == place.line:
                top.code = place.code
            else:
                stack.insert(0, place)  # a parse-time SyntaxError: the excerpt is the location
        frames = stack[::-1]
        blocks.append(
            FailureBlock(
                start,
                i,
                "javascript",
                [ExceptionInfo(type=exc_type, message=message, frames=frames)],
            )
        )
    return blocks
