"""Functions and their callers across a workspace (tree-sitter, Python and JavaScript /
TypeScript): the parameters of the function at a line, an entry logpoint that prints them as
reprs, and every call site of a function by name with the function that contains it."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import BaseModel

from dap_proxy.analysis.dataflow import flow_of, function_at
from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.languages import captures, compile_query, language_for_path, query_source
from dap_proxy.analysis.models import FileAnalysis, FunctionInfo
from dap_proxy.analysis.workspace import SKIP_DIRS

MAX_FILES = 5_000  # files read to find callers; a bigger workspace is cut (and says so)
_SELF = ("self", "cls")
QUERY_FILES = {"python": "calls_python.scm"}
ECMASCRIPT_QUERY = "calls_ecmascript.scm"


class CallSite(BaseModel):
    file: str
    line: int
    callee: str
    function: str | None = None  # qualified name of the calling function (None: module level)
    function_kind: str | None = None  # test | function | method | handler ...
    code: str = ""


def parameters(analysis: FileAnalysis, function: FunctionInfo) -> list[str]:
    """The parameter names of `function`, without `self`/`cls`."""
    return [p for p in flow_of(analysis, function).parameters if p not in _SELF]


def source_files(workspace: Path) -> list[Path]:
    """Python / JS / TS files of the workspace, outside virtualenvs and dependency folders."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(workspace):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            if language_for_path(name) is not None:
                found.append(Path(dirpath) / name)
                if len(found) >= MAX_FILES:
                    return found
    return found


@functools.cache
def _calls_query(language: str):  # type: ignore[no-untyped-def]
    name = QUERY_FILES.get(language, ECMASCRIPT_QUERY)
    return compile_query(language, query_source(name))


def call_sites(analysis: FileAnalysis, names: set[str]) -> list[CallSite]:
    """Calls in one analysed file of any function named in `names` (plain or as a method)."""
    tree = analysis._tree
    if tree is None or not names:
        return []
    query = _calls_query(analysis.language)
    lines = analysis._source.decode("utf-8", "replace").splitlines()
    found: list[CallSite] = []
    for node in captures(query, tree.root_node).get("callee", []):
        text = (node.text or b"").decode("utf-8", "replace")
        if text not in names:
            continue
        line = node.start_point[0] + 1
        caller = function_at(analysis, line)
        found.append(
            CallSite(
                file=analysis.path,
                line=line,
                callee=text,
                function=caller.qualname if caller else None,
                function_kind=caller.kind if caller else None,
                code=lines[line - 1].strip() if line <= len(lines) else "",
            )
        )
    return found


def callers_in_workspace(workspace: Path, names: set[str]) -> list[CallSite]:
    """Every call of the functions `names` in the workspace, by file then line."""
    sites: list[CallSite] = []
    for path in source_files(workspace):
        try:
            text = path.read_bytes()
        except OSError:
            continue
        if not any(n.encode() in text for n in names):
            continue  # cheap filter before parsing
        try:
            analysis = analyze_file(path)
        except AnalysisError:
            continue
        for site in call_sites(analysis, names):
            site.file = path.relative_to(workspace).as_posix()
            sites.append(site)
    return sites
