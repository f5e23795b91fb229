"""The one reader of Python code by its own `ast` (next to the tree-sitter engine, which covers
more languages): a file, or unsaved text, parsed once with its parent map, the lookups the rooms
ask of it (the line, the enclosing function and loops, who assigned a name, the module-level
definitions and the names each line reads), the workspace modules it imports, and the shared
state it keeps (`pystate.py`). Hypotheses, experiments, the live session and the language server
all ask this module; none of them parses Python itself.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from dap_proxy.analysis.pystate import Container, SharedState

__all__ = [
    "Container",
    "PythonSource",
    "imported_sources",
    "python_source",
    "resolve_module",
]


class PythonSource(SharedState):
    """One Python file read once: its text, lines, `ast` tree and parent map, with the lookups
    every room asks of it. `rel` is the path shown to users (relative to the workspace). A text
    that does not parse, or a path that is not `.py`, gives a source with no tree, never an
    error."""

    def __init__(self, text: str, rel: str, path: Path | None = None) -> None:
        self.path = path if path is not None else Path(rel)
        self.rel = rel
        self.text = text
        self.lines = self.text.splitlines()
        try:
            self.tree: ast.Module | None = (
                ast.parse(self.text) if self.path.suffix == ".py" else None
            )
        except (SyntaxError, ValueError):
            self.tree = None
        self.parents: dict[ast.AST, ast.AST] = {}
        self._function_at: dict[int, ast.FunctionDef | ast.AsyncFunctionDef | None] = {}
        self._nodes: list[ast.AST] | None = None
        self._containers: list[Container] | None = None
        self._reads: dict[int, set[str]] | None = None
        self._functions: list[ast.FunctionDef | ast.AsyncFunctionDef] | None = None
        if self.tree:
            for parent in ast.walk(self.tree):
                for child in ast.iter_child_nodes(parent):
                    self.parents[child] = parent

    # --- basic lookups -------------------------------------------------------------------------
    def line(self, number: int | None) -> str:
        if number is None or not 1 <= number <= len(self.lines):
            return ""
        return self.lines[number - 1].strip()

    def segment(self, node: ast.AST) -> str:
        return (ast.get_source_segment(self.text, node) or "").strip()

    def nodes(self) -> list[ast.AST]:
        if self._nodes is None:
            self._nodes = list(ast.walk(self.tree)) if self.tree else []
        return self._nodes

    def nodes_on_line(self, line: int) -> list[ast.AST]:
        return [n for n in self.nodes() if getattr(n, "lineno", None) == line]

    def ancestors(self, node: ast.AST) -> list[ast.AST]:
        chain = []
        while node in self.parents:
            node = self.parents[node]
            chain.append(node)
        return chain

    def _enclosing(self, line: int, kinds: tuple[type, ...]) -> list[ast.AST]:
        found: list[ast.stmt] = [
            n
            for n in self.nodes()
            if isinstance(n, kinds)
            and isinstance(n, ast.stmt)
            and n.lineno <= line <= (n.end_lineno or n.lineno)
        ]
        found.sort(key=lambda n: n.lineno)  # outermost first
        return list(found)

    def function_at(self, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The innermost function containing `line` (scans functions only, memoised per line)."""
        if self._functions is None:
            self._functions = [
                n for n in self.nodes() if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
        if line not in self._function_at:
            best = None
            for func in self._functions:
                if func.lineno <= line <= (func.end_lineno or func.lineno) and (
                    best is None or func.lineno >= best.lineno
                ):
                    best = func
            self._function_at[line] = best
        return self._function_at[line]

    def loops_at(self, line: int) -> list[ast.For | ast.While]:
        return self._enclosing(line, (ast.For, ast.AsyncFor, ast.While))  # type: ignore[return-value]

    def qualname(self, line: int, name: str) -> str:
        """`Class.method` for a method defined at `line`, else `name`."""
        for node in self.nodes():
            if isinstance(node, ast.ClassDef) and node.lineno <= line <= (node.end_lineno or 0):
                return f"{node.name}.{name}"
        return name

    def functions(self, name: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        return [
            n
            for n in self.nodes()
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
        ]

    def assignment_of(self, name: str, before_line: int) -> ast.Assign | ast.AnnAssign | None:
        """The last plain assignment to `name` in the function containing `before_line`."""
        func = self.function_at(before_line)
        scope = func if func else self.tree
        if scope is None:
            return None
        best = None
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.lineno <= before_line:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets) and (
                    best is None or node.lineno > best.lineno
                ):
                    best = node
        return best

    def none_returns(self, function_name: str) -> list[int]:
        """Lines where `function_name` returns None explicitly (or by a bare `return`)."""
        lines = []
        for func in self.functions(function_name):
            for node in ast.walk(func):
                if isinstance(node, ast.Return) and (
                    node.value is None
                    or (isinstance(node.value, ast.Constant) and node.value.value is None)
                ):
                    lines.append(node.lineno)
        return lines

    def module_dict_keys(self, name: str) -> list[str] | None:
        """The string keys of a module-level dict literal `name = {...}`."""
        if not self.tree:
            return None
        for node in self.tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    return [
                        k.value
                        for k in node.value.keys
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    ]
        return None

    @classmethod
    def from_file(cls, path: Path, rel: str) -> PythonSource:
        """The file as it is on disk (unreadable: an empty source)."""
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        return cls(text, rel, path)

    # --- module-level data flow ----------------------------------------------------------------
    def definitions(self) -> dict[str, list[tuple[int, int]]]:
        """Names assigned at module or class level -> the (first, last) lines of each assignment:
        constants, tables and class attributes, which run once at import."""
        found: dict[str, list[tuple[int, int]]] = {}
        if self.tree is None:
            return found
        scopes: list[list[ast.stmt]] = [self.tree.body]
        scopes += [n.body for n in self.nodes() if isinstance(n, ast.ClassDef)]
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
                            found.setdefault(node.id, []).append(span)
        return found

    def reads(self) -> dict[int, set[str]]:
        """Line -> the names (`NAME`) and attributes (`.NAME`) read on it."""
        if self._reads is None:
            self._reads = {}
            for node in self.nodes():
                name = None
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    name = node.id
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                    name = node.attr
                if name is not None:
                    first = getattr(node, "lineno", 0)
                    for line in range(first, (getattr(node, "end_lineno", None) or first) + 1):
                        self._reads.setdefault(line, set()).add(name)
        return self._reads

    # --- imports -------------------------------------------------------------------------------
    def imported_modules(self) -> list[str]:
        """Absolute module names this file imports (`from cart import x`, `import cart`), in
        order of appearance, each once."""
        names: list[str] = []
        for node in self.nodes():
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
            elif isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
        return list(dict.fromkeys(names))

    def imported_name(self, name: str) -> tuple[str, str] | None:
        """(module, original name) of a name this file binds by `from module import name`."""
        for node in self.nodes():
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        return node.module, alias.name
        return None


@lru_cache(maxsize=64)
def _cached(path: str, rel: str, mtime: float) -> PythonSource:
    return PythonSource.from_file(Path(path), rel)


def python_source(workspace: str | Path, rel: str) -> PythonSource:
    """The file `rel` of `workspace`, parsed once per version on disk."""
    path = Path(workspace) / rel
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _cached(str(path), rel, mtime)


def resolve_module(module: str, importer_rel: str, workspace: str | Path) -> str | None:
    """The workspace file (relative path) of an absolute import made by `importer_rel`: looked
    up next to the importer, one level up, at the workspace root and in src/. None when it is
    not a workspace file (a library, or outside the workspace)."""
    root = Path(workspace)
    here = (root / importer_rel).parent
    relative = Path(*module.split(".")).with_suffix(".py")
    for base in (here, here.parent, root, root / "src"):
        candidate = base / relative
        if candidate.is_file():
            try:
                return candidate.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                return None
    return None


def imported_sources(source: PythonSource, workspace: str | Path) -> list[PythonSource]:
    """The workspace modules a file imports."""
    found: list[PythonSource] = []
    for module in source.imported_modules():
        rel = resolve_module(module, source.rel, workspace)
        if rel is not None:
            found.append(python_source(workspace, rel))
    return found
