"""pytest failure output: the FAILURES / ERRORS sections in every `--tb` shape (auto/long with the
`>` marker and `E` lines of assertion rewriting, short, line, native), chained exceptions inside a
section, collection errors, and the failing test ids from the short summary or `-v` lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dap_proxy.analysis.failure_lines import (
    FailureBlock,
    chain_relation,
    is_caret_line,
    split_exception_line,
)
from dap_proxy.analysis.failure_python import parse_python
from dap_proxy.analysis.models import ExceptionInfo, Frame

_BANNER = re.compile(r"^={3,} (.+?) ={3,}$")
_HEADER = re.compile(r"^_{3,} (.+?) _{3,}$")
_SUMMARY = re.compile(r"^(FAILED|ERROR) (\S+)")  # then ` - message`, cut to the terminal
_VERBOSE = re.compile(r"^(\S+::\S+) (FAILED|ERROR)\b")
# `tests/x.py:18: in test_y` (short), `src/cart.py:10: ZeroDivisionError` (long), `x.py:9: `
_LOCATION = re.compile(r"^((?:[A-Za-z]:[\\/])?[^\s:]+):(\d+):(?: (.*))?$")
_ENTRY_SEPARATOR = re.compile(r"^(?:_ ){4,}_?\s*$")
_SUBSECTION = re.compile(r"^-{3,} .+ -{3,}$")  # "Captured stdout call": the program's own output
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)")
_HEADER_PREFIXES = ("ERROR at setup of ", "ERROR at teardown of ", "ERROR at call of ")
_MAX_HEADER = 400  # pytest's header lines are short; longer ones are not headers


@dataclass
class PytestResult:
    blocks: list[FailureBlock] = field(default_factory=list)
    failing_tests: list[str] = field(default_factory=list)
    regions: list[tuple[int, int]] = field(default_factory=list)  # [start, end) we own


def _banner(line: str) -> str | None:
    if len(line) > _MAX_HEADER or not (line.startswith("===") and line.endswith("===")):
        return None
    m = _BANNER.match(line)
    return m.group(1) if m else None


def _header(line: str) -> str | None:
    if len(line) > _MAX_HEADER or not (line.startswith("___") and line.endswith("___")):
        return None
    m = _HEADER.match(line)
    return m.group(1) if m else None


def _looks_like_test_id(text: str) -> bool:
    return "::" in text or text.endswith(".py") or "/" in text


def failing_test_ids(lines: list[str]) -> list[str]:
    """Node ids from `FAILED id - msg` / `ERROR id` summary lines and `id FAILED` (-v)."""
    ids: list[str] = []
    for line in lines:
        m = _SUMMARY.match(line) or _VERBOSE.match(line)
        if m is None:
            continue
        test_id = m.group(2) if m.group(1) in ("FAILED", "ERROR") else m.group(1)
        if "[" in test_id and not test_id.endswith("]"):
            # a parameter id with spaces: `test_x[two words]` runs to its closing bracket
            close = line.find("]", line.find(test_id) + len(test_id))
            if close > 0:
                test_id = line[line.find(test_id) : close + 1]
        if _looks_like_test_id(test_id) and test_id not in ids:
            ids.append(test_id)
    return ids


def _regions(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) of every FAILURES / ERRORS section."""
    regions: list[tuple[int, int]] = []
    start: int | None = None
    for i, line in enumerate(lines):
        title = _banner(line)
        if title is None:
            continue
        if start is not None:
            regions.append((start, i))
            start = None
        if title in ("FAILURES", "ERRORS"):
            start = i + 1
    if start is not None:
        regions.append((start, len(lines)))
    if not regions:
        # a pasted fragment without the banner: from its first test header on, when pytest's
        # own `E   ` lines follow (a `___ heading ___` in prose is not a test)
        first = next((i for i, line in enumerate(lines) if _header(line)), None)
        if first is not None and any(line.startswith("E   ") for line in lines[first:]):
            regions.append((first, len(lines)))
    return regions


def _sections(lines: list[str], start: int, end: int) -> list[tuple[str | None, int, int]]:
    """(test header or None, first line, end) for each failure in a region."""
    out: list[tuple[str | None, int, int]] = []
    title: str | None = None
    sec_start = start
    for i in range(start, end):
        h = _header(lines[i])
        if h is None:
            continue
        if i > sec_start or title is not None:
            out.append((title, sec_start, i))
        title, sec_start = h, i + 1
    out.append((title, sec_start, end))
    return out


def _frame_from_source(file: str, line: int, source: list[str]) -> Frame:
    """A long-form entry: the function from the outermost `def` shown, the code from `>`."""
    function: str | None = None
    best_indent = 10**6
    code: str | None = None
    for text in source:
        d = _DEF.match(text)
        if d and len(d.group(1)) < best_indent:
            best_indent, function = len(d.group(1)), d.group(2)
        if text.startswith(">"):
            code = text[1:].strip() or code
    return Frame(file=file, line=line, function=function, code=code)


def _exception_from_e_lines(
    e_lines: list[str], location_rest: str, frames: list[Frame], relation: str | None
) -> ExceptionInfo:
    indent = min((len(t) - len(t.lstrip()) for t in e_lines if t.strip()), default=0)
    texts = [t[indent:].rstrip() for t in e_lines]
    while texts and not texts[-1]:
        texts.pop()
    first = texts[0] if texts else ""
    parsed = split_exception_line(first) if ":" in first else None
    if parsed is not None:
        exc_type, head = parsed
        message = "\n".join([head, *texts[1:]]) if head else "\n".join(texts[1:])
    else:
        # a rewritten bare `assert`: the type is on the location line (`x.py:24: AssertionError`)
        named = split_exception_line(location_rest.split(":", 1)[0]) if location_rest else None
        exc_type = named[0] if named else "AssertionError"
        message = "\n".join(texts)
    return ExceptionInfo(type=exc_type, message=message, frames=frames, relation=relation)


def _e_text(e_lines: list[str]) -> str | None:
    indent = min((len(t) - len(t.lstrip()) for t in e_lines if t.strip()), default=0)
    return "\n".join(t[indent:].rstrip() for t in e_lines).strip() or None


def _parse_entries(
    lines: list[str], start: int, end: int
) -> tuple[list[list[ExceptionInfo]], list[str | None]]:
    """Long/short/line-shaped entries -> chains of exceptions (several only in `--tb=line`),
    each with the E lines of its last exception (the assertion)."""
    chains: list[list[ExceptionInfo]] = []
    assertions: list[str | None] = []
    chain: list[ExceptionInfo] = []
    frames: list[Frame] = []
    source: list[str] = []
    e_lines: list[str] = []
    last_e: list[str] = []
    relation: str | None = None
    closed = False  # the last exception ended at a location line; what follows is new
    awaiting_code = False
    for i in range(start, end):
        line = lines[i]
        rel = chain_relation(line)
        if rel is not None:
            relation, closed, awaiting_code, source = rel, False, False, []
            continue
        if _ENTRY_SEPARATOR.match(line):
            source, awaiting_code = [], False
            continue
        if line == "E" or line.startswith("E "):
            if closed and relation is None:
                chains.append(chain)
                assertions.append(_e_text(last_e))
                chain, closed = [], False
            e_lines.append(line[1:])
            continue
        loc = _LOCATION.match(line)
        if loc is not None:
            file, number, rest = loc.group(1), int(loc.group(2)), (loc.group(3) or "").strip()
            if closed and relation is None:
                chains.append(chain)
                assertions.append(_e_text(last_e))
                chain, closed = [], False
            if rest.startswith("in "):
                frames.append(Frame(file=file, line=number, function=rest[3:].strip() or None))
                awaiting_code = True
            else:
                frames.append(_frame_from_source(file, number, source))
                awaiting_code = False
                if e_lines:
                    chain.append(_exception_from_e_lines(e_lines, rest, frames, relation))
                    last_e, e_lines, frames, relation, closed = e_lines, [], [], None, True
            source = []
            continue
        if awaiting_code and line[:1] in (" ", "\t") and not is_caret_line(line):
            if frames[-1].code is None:
                frames[-1].code = line.strip()
            continue
        source.append(line)
    if e_lines or frames:
        chain.append(_exception_from_e_lines(e_lines, "", frames, relation))
        last_e = e_lines or last_e
    if chain:
        chains.append(chain)
        assertions.append(_e_text(last_e))
    return chains, assertions


def _section_end(lines: list[str], start: int, end: int) -> int:
    for i in range(start, end):
        if _SUBSECTION.match(lines[i]) and len(lines[i]) < _MAX_HEADER:
            return i
    return end


def _test_id(title: str | None, ids: list[str], frames: list[Frame]) -> str | None:
    """The node id for a section header (`test_x[p]`, `TestA.test_x`, `ERROR collecting f.py`)."""
    if title is None:
        return None
    for prefix in _HEADER_PREFIXES:
        if title.startswith(prefix):
            title = title[len(prefix) :]
    if title.startswith("ERROR collecting "):
        return title[len("ERROR collecting ") :]
    for test_id in ids:
        key = test_id.split("::", 1)[1].replace("::", ".") if "::" in test_id else test_id
        if key == title:
            return test_id
    name, bracket, params = title.partition("[")
    function = name.split(".")[-1]
    for frame in frames:
        if frame.function == function:
            return f"{frame.file}::{name.replace('.', '::')}{bracket}{params}"
    return title


def parse_pytest(lines: list[str]) -> PytestResult:
    """Every failure in pytest output, one block per failing test (first printed first)."""
    result = PytestResult(failing_tests=failing_test_ids(lines))
    for start, end in _regions(lines):
        result.regions.append((start, end))
        for title, sec_start, sec_end in _sections(lines, start, end):
            sec_end = _section_end(lines, sec_start, sec_end)
            native = parse_python(lines, start=sec_start, end=sec_end)
            if native and not any(lines[k].startswith("E ") for k in range(sec_start, sec_end)):
                chains = [[e for b in native for e in b.exceptions]]
                assertions: list[str | None] = [None]
            else:
                chains, assertions = _parse_entries(lines, sec_start, sec_end)
            for chain, text in zip(chains, assertions, strict=True):
                if not chain:
                    continue
                frames = chain[-1].frames
                test_id = _test_id(title, result.failing_tests, frames)
                final = chain[-1]
                if text is None and final.type == "AssertionError" and final.message:
                    text = final.message
                block = FailureBlock(sec_start, sec_end, "python", chain, test_id, text)
                result.blocks.append(block)
    if all(b.test_id is None for b in result.blocks) and len(result.blocks) == len(
        result.failing_tests
    ):
        # `--tb=line` prints no headers: failures come in summary order
        for block, test_id in zip(result.blocks, result.failing_tests, strict=True):
            block.test_id = test_id
    for block in result.blocks:
        if block.test_id and block.test_id not in result.failing_tests:
            result.failing_tests.append(block.test_id)
    return result
