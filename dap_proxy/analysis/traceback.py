"""Failure text in, frames out (issue 3): finds failures anywhere in a text (a log, a JSON log
record, an issue with a pasted traceback), maps their frames to the workspace, and fingerprints a
failure for the knowledge base of past sessions. One module per shape:
failure_python (tracebacks, chains, groups), failure_pytest, failure_unittest, failure_ipython,
failure_rich, failure_node (stack traces), failure_nodetest (`node --test`), failure_jest.

`parse_failure` returns the primary failure: the first failing test for pytest output (in the
short summary's order, so a FAILED test wins over a setup ERROR), then `node --test`'s first,
else the first traceback printed (in a log, the first error is usually the cause of the rest),
with every failing test id. `parse_failures` returns them all, each with its own test id.
Frames are outermost first for every language (Node prints them innermost first).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import BaseModel, Field

from dap_proxy.analysis.failure_ipython import parse_ipython
from dap_proxy.analysis.failure_jest import parse_jest
from dap_proxy.analysis.failure_lines import FailureBlock, split_lines
from dap_proxy.analysis.failure_node import parse_node
from dap_proxy.analysis.failure_nodetest import parse_node_tests
from dap_proxy.analysis.failure_pytest import parse_pytest
from dap_proxy.analysis.failure_python import parse_python
from dap_proxy.analysis.failure_rich import parse_rich
from dap_proxy.analysis.failure_unittest import unittest_headers
from dap_proxy.analysis.models import ParsedFailure
from dap_proxy.analysis.workspace import WorkspaceIndex, is_library_path, map_frame

__all__ = [
    "SignatureParts",
    "error_signature",
    "map_frame",
    "parse_failure",
    "parse_failures",
    "signature_parts",
    "strip_failures",
]

SIGNATURE_FRAMES = 3  # innermost project functions that go into a signature


def _find_blocks(text: str) -> tuple[list[FailureBlock], list[str]]:
    """All failures in the text: pytest's first (in its summary's order), then `node --test`'s
    and jest's, then every other traceback and stack by position."""
    blocks, failing_tests, _ = _scan(text)
    return blocks, failing_tests


def _scan(text: str) -> tuple[list[FailureBlock], list[str], list[tuple[int, int]]]:
    lines = split_lines(text)
    owned = bytearray(len(lines))  # lines a test-runner parser has read already

    def skip(i: int) -> bool:
        return bool(owned[i])

    def own(spans: list[tuple[int, int]]) -> None:
        for start, end in spans:
            owned[start:end] = b"\x01" * (end - start)

    pytest = parse_pytest(lines)
    own(pytest.regions)
    node_tests = parse_node_tests(lines, skip)
    own(node_tests.spans)
    jest = parse_jest(lines, skip)
    own(jest.spans)
    unittest = unittest_headers(lines)
    others: list[FailureBlock] = []
    found = parse_python(lines, skip) + parse_node(lines, skip)
    for block in found + parse_ipython(lines, skip) + parse_rich(lines, skip):
        # `✖ name (1ms)` right above a Node stack; `FAIL: test (id)` + a rule above a traceback
        block.test_id = node_tests.spec_lines.get(block.start - 1) or unittest.get(block.start - 2)
        # the spec reporter prints every failure twice: inline, then under "failing tests:"
        if block.test_id and any(
            o.test_id == block.test_id and o.exceptions == block.exceptions for o in others
        ):
            continue
        others.append(block)
    others.sort(key=lambda b: b.start)
    order = {test_id: n for n, test_id in enumerate(pytest.failing_tests)}
    tests = sorted(pytest.blocks, key=lambda b: order.get(b.test_id or "", len(order)))
    spans = pytest.regions + node_tests.spans + jest.spans + [(b.start, b.end) for b in others]
    failing = list(pytest.failing_tests)
    for name in [*node_tests.failing_tests, *jest.failing_tests, *unittest.values()]:
        if name not in failing:
            failing.append(name)
    return tests + node_tests.blocks + jest.blocks + others, failing, spans


def strip_failures(text: str) -> str:
    """The text without its tracebacks, stack traces and pytest failure sections: the prose of
    an issue, for keyword hints that code and frames would otherwise trigger. Never raises."""
    try:
        lines = split_lines(text)
        _, _, spans = _scan(text)
    except Exception:  # noqa: BLE001 - arbitrary text must never crash a caller
        return text
    keep = bytearray(b"\x01" * len(lines))
    for start, end in spans:
        end = min(end, len(lines))
        keep[start:end] = bytes(max(0, end - start))
    return "\n".join(line for line, k in zip(lines, keep, strict=True) if k)


def _to_parsed(
    block: FailureBlock, failing_tests: list[str], index: WorkspaceIndex | None
) -> ParsedFailure:
    workspace = index.root if index is not None else None
    exceptions = [
        exc.model_copy(update={"frames": [map_frame(f, workspace, index) for f in exc.frames]})
        for exc in block.exceptions
    ]
    return ParsedFailure(
        language=block.language,
        exceptions=exceptions,
        failing_tests=failing_tests,
        assertion=block.assertion,
    )


def parse_failures(text: str, workspace: Path | None = None) -> list[ParsedFailure]:
    """Every failure in the text, primary first; each carries only its own test id."""
    try:
        blocks, _ = _find_blocks(text)
        index = WorkspaceIndex(workspace) if workspace is not None else None
        return [_to_parsed(b, [b.test_id] if b.test_id else [], index) for b in blocks]
    except Exception:  # noqa: BLE001 - arbitrary text must never crash a caller
        return []


def parse_failure(text: str, workspace: Path | None = None) -> ParsedFailure:
    """The primary failure in `text` with every failing test id; empty when nothing is found.

    Frames get `is_library` always and `workspace_path` when `workspace` is given and the file
    is in it. Never raises."""
    try:
        blocks, failing_tests = _find_blocks(text)
        if not blocks:
            return ParsedFailure(failing_tests=failing_tests)
        index = WorkspaceIndex(workspace) if workspace is not None else None
        return _to_parsed(blocks[0], failing_tests, index)
    except Exception:  # noqa: BLE001 - arbitrary text must never crash a caller
        return ParsedFailure()


# --- signatures ----------------------------------------------------------------------------

_NORMALISERS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "<uuid>",
    ),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<hex>"),
    (re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`"), "<str>"),
    (re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.\-]+){2,}[\\/]?"), "<path>"),
    (re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"), "<num>"),
    (re.compile(r"\s+"), " "),
]


class SignatureParts(BaseModel):
    """What a failure's signature is made of, for fuzzy matching by the store."""

    type: str = ""  # the final exception's class name, without its module
    message: str = ""  # its first message line, normalised
    functions: list[str] = Field(default_factory=list)  # innermost project functions first


def normalise_message(message: str) -> str:
    """First line of a message with values, addresses, quoted text and paths replaced."""
    text = message.strip().split("\n", 1)[0][:500]
    for pattern, replacement in _NORMALISERS:
        text = pattern.sub(replacement, text)
    return text.strip()


def signature_parts(failure: ParsedFailure) -> SignatureParts:
    """Type, normalised message and top project functions of the final exception."""
    final = failure.final
    if final is None:
        return SignatureParts()
    # frames may come from elsewhere (a store, a debugger stack) with is_library never set
    frames = [f for f in final.frames if not (f.is_library or is_library_path(f.file))]
    functions: list[str] = []
    for frame in reversed(frames or final.frames):
        # a frame without a function (SyntaxError, module level in Node) is named by its file
        name = frame.function or re.split(r"[\\/]", frame.file)[-1]
        if name and len(functions) < SIGNATURE_FRAMES:
            functions.append(name)
    return SignatureParts(
        type=final.type.rsplit(".", 1)[-1],
        message=normalise_message(final.message),
        functions=functions,
    )


def error_signature(failure: ParsedFailure) -> str:
    """A stable 16-hex-digit fingerprint of the final exception: type, normalised message and
    top project function names (a file's base name for a frame without one; no line numbers,
    no paths). "" for an empty failure."""
    parts = signature_parts(failure)
    if not parts.type and not parts.message and not parts.functions:
        return ""
    canonical = "\x1f".join([parts.type, parts.message, *parts.functions])
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
