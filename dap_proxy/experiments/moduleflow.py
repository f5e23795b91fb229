"""Coverage for module-level and class-level definitions (constants, tables, class attributes).

They run once at import, during collection, before any test starts, so a per-test tracer never
sees them, yet a wrong constant in a table is a classic fault. A test is counted as executing such
a definition when a line it executed reads the defined name (`NAME` or `.NAME`): a static data-flow
link standing in for the dynamic one.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from dap_proxy.experiments.plugin import is_project_file
from dap_proxy.experiments.runners import TestResult

MAX_FILES = 300  # project files scanned for definitions; small programs have a handful


class FileFlow:
    """Definitions at module/class level and the names each line reads, for one file."""

    def __init__(self, text: str):
        self.definitions: dict[str, list[tuple[int, int]]] = {}
        self.reads: dict[int, set[str]] = {}
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return
        scopes: list[list[ast.stmt]] = [tree.body]
        scopes += [n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        for body in scopes:
            for stmt in body:
                targets: list[ast.expr] = []
                if isinstance(stmt, ast.Assign):
                    targets = list(stmt.targets)
                elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
                    targets = [stmt.target]
                for target in targets:
                    for node in ast.walk(target):
                        if isinstance(node, ast.Name):
                            span = (stmt.lineno, stmt.end_lineno or stmt.lineno)
                            self.definitions.setdefault(node.id, []).append(span)
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                name = node.id
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                name = node.attr
            if name is not None:
                first = getattr(node, "lineno", 0)
                for line in range(first, (getattr(node, "end_lineno", None) or first) + 1):
                    self.reads.setdefault(line, set()).add(name)


def project_files(root: Path) -> list[str]:
    """Relative paths of the project's own Python files (no tests, no libraries)."""
    found: list[str] = []
    prefix = str(root) + os.sep
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("__pycache__",)]
        for name in files:
            path = os.path.join(directory, name)
            if is_project_file(path, prefix):
                found.append(os.path.relpath(path, root))
                if len(found) >= MAX_FILES:
                    return found
    return found


def augment(results: list[TestResult], root: Path) -> None:
    """Add to each test's lines the module/class-level definitions its executed lines read."""
    flows: dict[str, FileFlow] = {}
    for rel in project_files(root):
        try:
            flows[rel] = FileFlow((root / rel).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    defined: dict[str, list[tuple[str, int, int]]] = {}
    for rel, flow in flows.items():
        for name, spans in flow.definitions.items():
            for start, end in spans:
                defined.setdefault(name, []).append((rel, start, end))
    if not defined:
        return
    for result in results:
        names: set[str] = set()
        for file, line in result.lines:
            found = flows.get(file)
            if found is not None:
                names |= found.reads.get(line, set())
        extra: set[tuple[str, int]] = set()
        for name in names & defined.keys():
            for rel, start, end in defined[name]:
                extra.update((rel, n) for n in range(start, end + 1))
        if extra:
            result.lines = sorted(set(result.lines) | extra)
