"""Similar patterns elsewhere: code with the same shape as a suspect line, found across the
workspace with tree-sitter queries (`queries/shapes_*.scm`): the same comparison against the
same kind of bound (`count > BULK_THRESHOLD` -> `qty > FREE_SHIPPING_MIN`), the same loop-bound
arithmetic (`range(len(x) - 1)`), the same unchecked use of a `.get()` / `.find()` result."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import tree_sitter as ts
from pydantic import BaseModel

from dap_proxy.analysis.callers import source_files
from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.languages import PYTHON, captures, compile_query, query_source
from dap_proxy.analysis.models import FileAnalysis

_CONSTANT = re.compile(
    r"^[A-Z][A-Z0-9_]*$|^\d+(\.\d+)?$|^(self|this)\.[a-z_]*(limit|max|min|threshold|size|count)[a-z_]*$",
    re.I,
)
_CAPS = re.compile(r"^[A-Z][A-Z0-9_]*$")
MAX_FOUND = 50


class Shape(BaseModel):
    file: str
    line: int
    code: str
    why: str


@functools.cache
def _query(language: str) -> ts.Query:
    name = "shapes_python.scm" if language == PYTHON else "shapes_ecmascript.scm"
    return compile_query(language, query_source(name))


def _captures(analysis: FileAnalysis) -> dict[str, list[ts.Node]]:
    if analysis._tree is None:
        return {}
    return captures(_query(analysis.language), analysis._tree.root_node)


def _text(node: ts.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _comparison(node: ts.Node) -> tuple[str, str, str] | None:
    """(left, operator, right) of a two-operand comparison."""
    named = [c for c in node.children if c.is_named]
    operators = [c for c in node.children if not c.is_named]
    if len(named) != 2 or len(operators) != 1:
        return None
    return _text(named[0]).strip(), _text(operators[0]).strip(), _text(named[1]).strip()


def _bound_kind(text: str) -> str | None:
    if _CAPS.match(text):
        return "constant"
    if re.match(r"^\d+(\.\d+)?$", text):
        return "number"
    if _CONSTANT.match(text):
        return "limit attribute"
    return None


def _shapes_at(analysis: FileAnalysis, line: int) -> list[tuple[str, ts.Node]]:
    return [
        (name, node)
        for name, nodes in _captures(analysis).items()
        if not name.startswith("_")
        for node in nodes
        if node.start_point[0] + 1 <= line <= node.end_point[0] + 1
    ]


def similar_shapes(path: Path, line: int, workspace: Path, pattern: str = "") -> list[Shape]:
    """Places in the workspace shaped like `path:line` (that line itself excluded)."""
    try:
        suspect = analyze_file(path)
    except AnalysisError:
        return []
    wanted = _shapes_at(suspect, line)
    if not wanted:
        return []
    kinds = {name for name, _ in wanted}
    compares = [c for name, node in wanted if name == "compare" if (c := _comparison(node))]
    bound = next(((op, r, k) for _, op, r in compares if (k := _bound_kind(r))), None)
    found: list[Shape] = []
    for file in source_files(workspace):
        try:
            analysis = analyze_file(file)
        except AnalysisError:
            continue
        rel = file.relative_to(workspace).as_posix()
        lines = analysis._source.decode("utf-8", "replace").splitlines()
        for name, nodes in _captures(analysis).items():
            if name not in kinds:
                continue
            for node in nodes:
                number = node.start_point[0] + 1
                if file.resolve() == path.resolve() and number == line:
                    continue
                why = _why(name, node, bound, pattern)
                if why:
                    code = lines[number - 1].strip() if number <= len(lines) else _text(node)
                    found.append(Shape(file=rel, line=number, code=code, why=why))
                    if len(found) >= MAX_FOUND:
                        return found
    order = {"the same": 0}
    return sorted(found, key=lambda s: (order.get(" ".join(s.why.split()[:2]), 1), s.file, s.line))


def _why(name: str, node: ts.Node, bound: tuple[str, str, str] | None, pattern: str) -> str:
    if name == "compare":
        parts = _comparison(node)
        if parts is None or bound is None:
            return ""
        _, op, right = parts
        operator, bound_text, kind = bound
        if op != operator:
            return ""
        if right == bound_text:
            return f"the same `{op} {bound_text}` check: is the boundary meant to be included here?"
        if _bound_kind(right) == kind:
            return f"the same kind of check (`{op}` against a {kind}, `{right}`)"
        return ""
    if name == "loop_bound":
        return f"loop-bound arithmetic `{_text(node)}`, the same shape as the suspect line"
    if name == "unchecked":
        return "a lookup result used without a None / undefined check"
    return ""
