"""Node's built-in test runner (`node --test`), the JavaScript counterpart of pytest output: the TAP
reporter it uses when output is not a terminal (`not ok 2 - name` + a YAML block with `error`,
`name` and a `stack` of frames without `at`), and the failing test names of the spec reporter
(`✖ name (12.3ms)`, whose stacks the Node stack parser reads)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dap_proxy.analysis.failure_lines import FailureBlock
from dap_proxy.analysis.failure_node import parse_at
from dap_proxy.analysis.models import ExceptionInfo, Frame

_NOT_OK = re.compile(r"^(\s*)not ok \d+ - (.*?)(?: # .*)?$")
_SPEC_FAILED = re.compile(r"^\s*\u2716 (.+) \(\d+(?:\.\d+)?ms\)$")  # ✖ name (14.4ms)
_KEY = re.compile(r"^(\s*)([A-Za-z_]\w*):(?: (.*))?$")
_LOCATION = re.compile(r"^(.+):(\d+):(\d+)$")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].replace("''", "'")
    return value


def _yaml_block(lines: list[str], i: int, indent: str) -> tuple[dict[str, list[str]], int]:
    """The `---` ... `...` block after a `not ok` line: each top-level key with its lines
    (a `|-` block's lines, or its one inline value). Returns the keys and the index after."""
    start = indent + "  ---"
    if i >= len(lines) or lines[i].rstrip() != start:
        return {}, i
    keys: dict[str, list[str]] = {}
    key_indent = len(indent) + 2
    current: list[str] | None = None
    i += 1
    while i < len(lines) and lines[i].rstrip() != indent + "  ...":
        line = lines[i]
        m = _KEY.match(line)
        if m is not None and len(m.group(1)) == key_indent:
            value = m.group(3) or ""
            current = [] if value.startswith("|") else [_unquote(value)]
            keys[m.group(2)] = current
        elif current is not None and (
            not line.strip() or len(line) - len(line.lstrip()) > key_indent
        ):
            current.append(line[key_indent + 2 :])
        i += 1
    return keys, min(i + 1, len(lines))  # an unterminated block ends with the text


def _tap_failure(name: str, keys: dict[str, list[str]]) -> ExceptionInfo:
    frames: list[Frame] = []
    for line in keys.get("stack", []):
        frame = parse_at(line.strip())
        if frame is not None:
            frames.append(frame)
    if not frames and keys.get("location"):
        m = _LOCATION.match(keys["location"][0])
        if m is not None:
            frames.append(Frame(file=m.group(1), line=int(m.group(2)), column=int(m.group(3))))
    exc_type = (keys.get("name") or ["Error"])[0] or "Error"
    message = "\n".join(keys.get("error", [])).strip()
    return ExceptionInfo(type=exc_type, message=message, frames=frames[::-1])


@dataclass
class NodeTestResult:
    blocks: list[FailureBlock] = field(default_factory=list)  # TAP failures, one per test
    failing_tests: list[str] = field(default_factory=list)  # TAP and spec reporter names
    spans: list[tuple[int, int]] = field(default_factory=list)  # lines the TAP blocks cover
    spec_lines: dict[int, str] = field(default_factory=dict)  # `✖ name` line -> test name


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def parse_node_tests(lines: list[str], skip: Callable[[int], bool] | None = None) -> NodeTestResult:
    """Failed tests of `node --test` output, TAP or spec reporter. The spec reporter's error
    and stack under a `✖ name (1.2ms)` line are left to the Node stack parser."""
    result = NodeTestResult()
    blocks, names, spans = result.blocks, result.failing_tests, result.spans
    i = 0
    while i < len(lines):
        line = lines[i]
        if skip is not None and skip(i):
            i += 1
            continue
        spec = _SPEC_FAILED.match(line) if "\u2716" in line else None
        # a failed suite prints `✖ suite (1ms)` with nothing under it: its tests carry the error
        if spec is not None and i + 1 < len(lines) and _indent(lines[i + 1]) > _indent(line):
            result.spec_lines[i] = spec.group(1)
            if spec.group(1) not in names:
                names.append(spec.group(1))
        m = _NOT_OK.match(line) if "not ok " in line else None
        if m is None:
            i += 1
            continue
        keys, end = _yaml_block(lines, i + 1, m.group(1))
        # a suite fails when its subtests do; the subtests carry the errors
        if keys and _unquote("".join(keys.get("failureType", []))) != "subtestsFailed":
            name = m.group(2).strip()
            exc = _tap_failure(name, keys)
            blocks.append(FailureBlock(i, end, "javascript", [exc], test_id=name))
            spans.append((i, end))
            if name not in names:
                names.append(name)
        i = max(end, i + 1)
    return result
