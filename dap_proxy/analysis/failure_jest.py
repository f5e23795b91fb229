"""Jest's failure report, the most common JavaScript test runner output: one `● suite › test`
section per failed test with the error message (an `expect(...)` matcher report or `TypeError:
...`), a numbered code frame whose `>` line is the failing line, and the `at ...` stack."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dap_proxy.analysis.failure_lines import MAX_MESSAGE_LINES, FailureBlock, split_exception_line
from dap_proxy.analysis.failure_node import parse_at
from dap_proxy.analysis.models import ExceptionInfo, Frame

_SECTION = re.compile(r"^(\s*)\u25cf (.+)$")  # "  ● average › of no prices is zero"
_CODE_FRAME = re.compile(r"^\s*(>)?\s*(\d+) \|(?: (.*))?$")
_CODE_CARET = re.compile(r"^\s*\|\s*\^")
_AT = re.compile(r"^\s+at (.+)$")
_FILE_STATUS = re.compile(r"^(?:FAIL|PASS) (\S+)")
_END = ("Test Suites:", "Summary of all failing tests")
_MAX_SECTION = 300
_SUITE_FAILED = "Test suite failed to run"


@dataclass
class JestResult:
    blocks: list[FailureBlock] = field(default_factory=list)
    failing_tests: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _section_end(lines: list[str], start: int, indent: str) -> int:
    stop = min(len(lines), start + _MAX_SECTION)
    for k in range(start, stop):
        line = lines[k]
        if line.startswith(_END) or _FILE_STATUS.match(line):
            return k
        m = _SECTION.match(line) if "\u25cf" in line else None
        if m is not None and m.group(1) == indent:
            return k
    return stop


def _exception(body: list[str]) -> ExceptionInfo:
    """The error of one section: message lines, code frame, stack."""
    message: list[str] = []
    frames: list[Frame] = []
    code: tuple[int, str] | None = None
    in_message = True
    for line in body:
        if _AT.match(line):
            frame = parse_at(line.strip()[3:])
            if frame is not None:
                frames.append(frame)
            in_message = False
            continue
        cf = _CODE_FRAME.match(line)
        if cf is not None or _CODE_CARET.match(line):
            in_message = False
            if cf is not None and cf.group(1):
                code = (int(cf.group(2)), (cf.group(3) or "").strip())
            continue
        if in_message and len(message) < MAX_MESSAGE_LINES:
            message.append(line)
    indent = min((len(t) - len(t.lstrip()) for t in message if t.strip()), default=0)
    texts = [t[indent:].rstrip() for t in message]
    while texts and not texts[-1]:
        texts.pop()
    while texts and not texts[0]:
        texts.pop(0)
    first = texts[0] if texts else ""
    parsed = split_exception_line(first) if ":" in first else None
    if parsed is not None:
        exc_type, text = parsed[0], "\n".join([parsed[1], *texts[1:]]).strip()
    else:
        # a matcher report (`expect(received).toBe(expected)`) is jest's assertion failure
        exc_type = "AssertionError" if first.startswith("expect(") else "Error"
        text = "\n".join(texts)
    if code is not None and frames and frames[0].line == code[0]:
        frames[0].code = code[1]
    return ExceptionInfo(type=exc_type, message=text, frames=frames[::-1])


def parse_jest(lines: list[str], skip: Callable[[int], bool] | None = None) -> JestResult:
    """One block per `●` section (a repeated "Summary of all failing tests" is left out)."""
    result = JestResult()
    test_file: str | None = None
    seen: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(_END[1]):
            break  # jest repeats every failure below this line
        status = _FILE_STATUS.match(line) if line[:5] in ("FAIL ", "PASS ") else None
        if status is not None:
            test_file = status.group(1)
        m = _SECTION.match(line) if "\u25cf" in line else None
        if m is None or (skip is not None and skip(i)):
            i += 1
            continue
        title = m.group(2).strip()
        end = _section_end(lines, i + 1, m.group(1))
        exc = _exception(lines[i + 1 : end])
        if exc.frames or exc.message:
            test_id = test_file if title == _SUITE_FAILED and test_file else title
            result.blocks.append(FailureBlock(i, end, "javascript", [exc], test_id=test_id))
            result.spans.append((i, end))
            if test_id not in seen:
                seen.add(test_id)
                result.failing_tests.append(test_id)
        i = max(end, i + 1)
    return result
