"""Re-analysis after an edit (issue 3, "incremental and fast"): when the edit lies inside one
function's body, only that function is re-queried; the facts and functions before it are
kept, those after it are shifted by the change in lines and bytes. Anything else (an edit at
module level, in a header, or in a function that shares its lines with other code) returns
None and the caller runs the whole-file pass on the incrementally reparsed tree."""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter as ts

from dap_proxy.analysis.boundaries import BoundaryConfig
from dap_proxy.analysis.facts import FUNCTION_TYPES, extract_region
from dap_proxy.analysis.models import Fact, FileAnalysis, FunctionInfo
from dap_proxy.analysis.nodes import new_fact, new_function, syntax_error_lines

# What may follow a function on its last line for the line-based merge to stay exact.
_TRAILING_OK = set(b" \t\r;,)")


@dataclass(frozen=True)
class Edit:
    """One edited span: bytes [start, old_end) of the old source became [start, new_end)."""

    start: int
    old_end: int
    new_end: int


def diff(old: bytes, new: bytes) -> Edit:
    """The single span that differs (common prefix and suffix), compared in blocks first: a
    Python loop over every byte would cost more than the reparse."""
    limit = min(len(old), len(new))
    start = 0
    block = 4096
    while start + block <= limit and old[start : start + block] == new[start : start + block]:
        start += block
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while (
        end_old - block >= start
        and end_new - block >= start
        and old[end_old - block : end_old] == new[end_new - block : end_new]
    ):
        end_old -= block
        end_new -= block
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return Edit(start, end_old, end_new)


def _point(source: bytes, byte: int) -> tuple[int, int]:
    row = source.count(b"\n", 0, byte)
    return row, byte - (source.rfind(b"\n", 0, byte) + 1)


def edit_tree(tree: ts.Tree, old: bytes, new: bytes, edit: Edit) -> ts.Tree:
    """A copy of `tree` told about `edit`, ready to be passed to `Parser.parse` as old tree."""
    edited = tree.copy()
    edited.edit(
        start_byte=edit.start,
        old_end_byte=edit.old_end,
        new_end_byte=edit.new_end,
        start_point=_point(old, edit.start),
        old_end_point=_point(old, edit.old_end),
        new_end_point=_point(new, edit.new_end),
    )
    return edited


def _owns_its_lines(source: bytes, start: int, end: int) -> bool:
    """Nothing but indentation before the function on its first line, and nothing but
    closing punctuation after it on its last: then every fact is inside it or outside its
    lines, and a line-based merge is exact."""
    line_start = source.rfind(b"\n", 0, start) + 1
    if source[line_start:start].strip():
        return False
    line_end = source.find(b"\n", end)
    tail = source[end : line_end if line_end >= 0 else len(source)]
    return all(byte in _TRAILING_OK for byte in tail)


def _region(previous: FileAnalysis, tree: ts.Tree, source: bytes, edit: Edit) -> int | None:
    """Index of the innermost function whose body contains the whole edit, if it qualifies."""
    best: int | None = None
    for index, (start, end) in enumerate(previous._function_spans):
        if (
            start < edit.start
            and edit.old_end < end
            and (best is None or start >= previous._function_spans[best][0])
        ):
            best = index
    if best is None:
        return None
    start, end = previous._function_spans[best]
    new_end = end + edit.new_end - edit.old_end
    node = tree.root_node.descendant_for_byte_range(start, new_end)
    if node is None or node.type not in FUNCTION_TYPES:
        return None
    if (node.start_byte, node.end_byte) != (start, new_end):
        return None
    body = node.child_by_field_name("body")
    if body is None or body.start_byte > edit.start or body.has_error != node.has_error:
        return None
    if not _owns_its_lines(source, start, new_end):
        return None
    return best


def _shift_fact(fact: Fact, start_delta: int, end_delta: int) -> Fact:
    values = dict(fact.__dict__)
    values["start_line"] += start_delta
    values["end_line"] += end_delta
    return new_fact(**values)


def _shift_function(info: FunctionInfo, start_delta: int, end_delta: int) -> FunctionInfo:
    values = dict(info.__dict__)
    values["start_line"] += start_delta
    values["body_line"] += start_delta
    values["end_line"] += end_delta
    return new_function(**values)


def reanalyze(
    previous: FileAnalysis,
    source: bytes,
    tree: ts.Tree,
    edit: Edit,
    config: BoundaryConfig,
    digest: str,
) -> FileAnalysis | None:
    """The analysis of `source` from `previous` when `edit` lies in one function's body, or
    None when the whole-file pass is needed."""
    index = _region(previous, tree, source, edit)
    if index is None:
        return None
    old = previous._source
    start, old_end = previous._function_spans[index]
    byte_delta = edit.new_end - edit.old_end
    new_end = old_end + byte_delta
    line_delta = source.count(b"\n", edit.start, edit.new_end) - old.count(
        b"\n", edit.start, edit.old_end
    )
    region = previous.functions[index]
    first, last = region.start_line, region.end_line
    node = tree.root_node.descendant_for_byte_range(start, new_end)
    if node is None:  # `_region` checked it exists; keeps the type checker informed
        return None
    result = extract_region(
        tree, source, previous.path, previous.language, config, node, previous._aliases
    )
    facts: list[Fact] = []
    for fact in previous.facts:
        if fact.end_line < first:
            facts.append(fact)
        elif fact.start_line > last:
            facts.append(_shift_fact(fact, line_delta, line_delta) if line_delta else fact)
        elif fact.start_line < first:  # encloses the function: only its end moves
            facts.append(_shift_fact(fact, 0, line_delta) if line_delta else fact)
    facts.extend(result.facts)
    facts.sort(key=lambda f: (f.start_line, f.end_line))
    entries: list[tuple[tuple[int, int], FunctionInfo]] = []
    for span, info in zip(previous._function_spans, previous.functions, strict=True):
        s, e = span
        if s >= old_end:
            entries.append(
                (
                    (s + byte_delta, e + byte_delta),
                    _shift_function(info, line_delta, line_delta) if line_delta else info,
                )
            )
        elif s < start and e >= old_end:
            entries.append(
                ((s, e + byte_delta), _shift_function(info, 0, line_delta) if line_delta else info)
            )
        elif e <= start:
            entries.append((span, info))
    entries.extend(zip(result.function_spans, result.functions, strict=True))
    entries.sort(key=lambda item: (item[0][0], -item[0][1]))
    analysis = FileAnalysis.model_construct(
        path=previous.path,
        language=previous.language,
        content_hash=digest,
        line_count=source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1),
        facts=facts,
        functions=[info for _, info in entries],
        syntax_error_lines=syntax_error_lines(tree.root_node),
        refused=None,
    )
    aliases = {**previous._aliases, **result.aliases}
    analysis.__pydantic_private__ = {
        "_tree": tree,
        "_source": source,
        "_function_spans": [span for span, _ in entries],
        "_aliases": aliases,
        "_default_boundaries": True,
        "_cache": {},
        "_pending": None,
    }
    return analysis
