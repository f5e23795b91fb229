"""Line-level vocabulary shared by the failure parsers (Python tracebacks, pytest output, Node stack
traces): splitting text safely, the exception-line shape, chain markers and block boundaries.

Every pattern here is anchored and free of nested ambiguous repetition, and lines are cut to
MAX_LINE characters first, so a 10k-line log parses in linear time (issue 3: "fast")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dap_proxy.analysis.models import ExceptionInfo

MAX_LINE = 2000  # characters of one line we look at; longer lines are cut, never scanned whole
MAX_MESSAGE_LINES = 40  # continuation lines kept for one exception message

TRACEBACK_HEAD = re.compile(r"(?:Exception Group )?Traceback \(most recent call last\):")
CAUSE_MARKER = "The above exception was the direct cause of the following exception"
CONTEXT_MARKER = "During handling of the above exception, another exception occurred"
# `pkg.mod.SomeError: message`, or a bare `KeyboardInterrupt`
EXCEPTION_LINE = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::(?: (.*))?)?$")
GROUP_MEMBER = "\x00group-member"  # what an exception-group `+---- N ----` line becomes
GROUP_END = "\x00group-end"  # ... and the `+--------` line that closes the group
# colour codes from pytest --color=yes, Python 3.13 and CI runners (FORCE_COLOR)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_LOG_RECORD = re.compile(r"^\[?\d{4}-\d{2}-\d{2}[ T]\d|^\[?\d{2}:\d{2}:\d{2}")
_CARET_CHARS = frozenset("^~ \t")


@dataclass
class FailureBlock:
    """One failure found in the text: a chain of exceptions and where it was printed."""

    start: int  # index of its first line
    end: int  # index after its last line
    language: str  # python | javascript
    exceptions: list[ExceptionInfo]
    test_id: str | None = None
    assertion: str | None = None
    extra_tests: list[str] = field(default_factory=list)


def _expand_escaped(line: str) -> list[str] | None:
    """A JSON log record whose string value holds a whole traceback or stack (`"exc":
    "Traceback (most recent call last):\\n  File \\"...`): the record's prefix, the
    traceback's own lines, a blank line, the rest of the record. None for any other line."""
    first = line.find("\\n")
    if first < 0 or not ("Traceback (most recent call last):\\n" in line or "\\n    at " in line):
        return None
    start = line.rfind('"', 0, first) + 1  # the value's opening quote (0 when there is none)
    last = line.rfind("\\n")
    end = last + 2
    while end < len(line) and not (line[end] == '"' and line[end - 1] != "\\"):
        end += 1
    value = line[start:end].replace("\\\\", "\x00").replace("\\n", "\n")
    value = value.replace('\\"', '"').replace("\\t", "\t").replace("\x00", "\\")
    return [line[:start], *value.split("\n"), "", line[end:]]


def split_lines(text: str) -> list[str]:
    """The text's lines without line ends and colour codes, each cut to MAX_LINE characters;
    tracebacks escaped inside JSON log records are unfolded into lines of their own."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if "\\n" not in text:
        return [line[:MAX_LINE] for line in lines]
    out: list[str] = []
    for line in lines:
        expanded = _expand_escaped(line) if "\\n" in line else None
        out.extend(piece[:MAX_LINE] for piece in (expanded or [line]))
    return out


def is_caret_line(line: str) -> bool:
    """Python 3.11+ `^^^^`/`~~~^^` markers, SyntaxError and Node carets."""
    stripped = line.strip()
    return bool(stripped) and set(stripped) <= _CARET_CHARS


def chain_relation(line: str) -> str | None:
    """ "cause" / "context" when the line is one of Python's chaining sentences."""
    if CAUSE_MARKER in line:
        return "cause"
    if CONTEXT_MARKER in line:
        return "context"
    return None


def next_in_chain(lines: list[str], end: int) -> tuple[str | None, int]:
    """After an exception whose text ends before `end`: the relation ("cause" / "context") of
    the chaining sentence that follows it, blank lines skipped, and the index of the first
    non-blank line after that sentence; `(None, end)` when no chaining sentence follows."""
    j = end
    while j < len(lines) and not lines[j].strip():
        j += 1
    relation = chain_relation(lines[j]) if j < len(lines) else None
    if relation is None:
        return None, end
    j += 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    return relation, j


def is_boundary(line: str) -> bool:
    """A line that cannot continue an exception message: a new structure or a new log record."""
    stripped = line.strip()
    if not stripped:
        return True
    if stripped.startswith(
        ("```", "~~~", "____", "====", "----", "FAILED ", "ERROR ", "Node.js v")
    ):
        return True
    if stripped in (GROUP_MEMBER, GROUP_END) or TRACEBACK_HEAD.search(line) or chain_relation(line):
        return True
    return bool(_LOG_RECORD.match(stripped))


def split_exception_line(line: str) -> tuple[str, str] | None:
    """(type, message) for `Type: message` / `Type`; None when the line is not that shape."""
    m = EXCEPTION_LINE.match(line.rstrip())
    if m is None:
        return None
    return m.group(1), m.group(2) or ""
