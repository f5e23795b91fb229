"""Shared state a Python file keeps, read from its `ast` (a mixin of `pysource.PythonSource`):
module-level and class-level containers with their writes and invalidations, caches, memoised
functions, mutable defaults, threads and unlocked read-modify-write of attributes."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

CACHE_WORDS = ("cache", "memo", "_cached", "lru")
MUTABLE_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque"}
THREAD_CALLS = {"Thread", "ThreadPoolExecutor", "ProcessPoolExecutor", "Timer", "start_new_thread"}
MEMO_DECORATORS = {"lru_cache", "cache", "memoize", "memoized", "cached"}
INVALIDATING_METHODS = {"pop", "clear", "popitem", "discard", "remove", "invalidate", "cache_clear"}


def _is_mutable_literal(node: ast.AST | None) -> bool:
    if isinstance(node, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in MUTABLE_CALLS
    return False


def _target_name(node: ast.AST) -> str | None:
    """`x` for `x`, `x[...]`, `self.x`, `self.x[...]`: the container a write lands in."""
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


@dataclass
class Container:
    """A module-level or class-level mutable container (shared by every caller)."""

    name: str
    line: int
    owner: str  # "module" or the class name
    writes: list[int] = field(default_factory=list)  # lines that store into it
    invalidations: list[int] = field(default_factory=list)  # del / pop / clear / reassignment


@dataclass
class ReadModifyWrite:
    function: str
    attribute: str
    read_line: int
    write_line: int
    locked: bool


class SharedState:
    """The shared-state questions; the host class provides `tree`, `nodes()`, `function_at()`,
    `segment()`, `ancestors()` and the `_containers` slot."""

    tree: ast.Module | None
    _containers: list[Container] | None

    def nodes(self) -> list[ast.AST]:
        raise NotImplementedError

    def function_at(self, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        raise NotImplementedError

    def segment(self, node: ast.AST) -> str:
        raise NotImplementedError

    def ancestors(self, node: ast.AST) -> Iterable[ast.AST]:
        raise NotImplementedError

    # --- shared state --------------------------------------------------------------------------
    def mutable_defaults(self) -> list[tuple[str, str, int, str]]:
        """(function, parameter, line, default source) for `def f(x=[])`-style defaults."""
        found = []
        for node in self.nodes():
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(
                zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
            )
            pairs += [
                (a, d)
                for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                if d is not None
            ]
            for arg, default in pairs:
                if _is_mutable_literal(default):
                    found.append((node.name, arg.arg, default.lineno, self.segment(default)))
        return found

    def containers(self) -> list[Container]:
        """Module-level and class-level mutable containers, with their writes and invalidations."""
        if self._containers is None:
            self._containers = self._find_containers()
        return self._containers

    def _find_containers(self) -> list[Container]:
        if not self.tree:
            return []
        result: dict[str, Container] = {}
        scopes: list[tuple[str, list[ast.stmt]]] = [("module", self.tree.body)]
        scopes += [(n.name, n.body) for n in self.tree.body if isinstance(n, ast.ClassDef)]
        for owner, body in scopes:
            for stmt in body:
                if isinstance(stmt, ast.Assign | ast.AnnAssign) and _is_mutable_literal(stmt.value):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            result[target.id] = Container(target.id, stmt.lineno, owner)
        if not result:
            return []
        for node in self.nodes():
            func = self.function_at(getattr(node, "lineno", 0)) if hasattr(node, "lineno") else None
            if func is None:
                continue  # only writes made by functions matter (definitions are module level)
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = _target_name(target)
                    if name in result:
                        bucket = (
                            result[name].writes
                            if isinstance(target, ast.Subscript) or isinstance(node, ast.AugAssign)
                            else result[name].invalidations  # a whole new container
                        )
                        bucket.append(node.lineno)
            elif isinstance(node, ast.Delete):
                for target in node.targets:
                    name = _target_name(target)
                    if name in result:
                        result[name].invalidations.append(node.lineno)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = _target_name(node.func.value)
                if name in result:
                    method = node.func.attr
                    if method in INVALIDATING_METHODS:
                        result[name].invalidations.append(node.lineno)
                    elif method in {"append", "add", "update", "setdefault", "extend", "insert"}:
                        result[name].writes.append(node.lineno)
        return list(result.values())

    def caches(self) -> list[Container]:
        return [c for c in self.containers() if any(w in c.name.lower() for w in CACHE_WORDS)]

    def memoised_functions(self) -> list[tuple[str, int, list[str]]]:
        """(function, def line, module containers it reads) for @lru_cache / @cache functions."""
        containers = {c.name for c in self.containers() if c.owner == "module"}
        found = []
        for node in self.nodes():
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name in MEMO_DECORATORS:
                    reads = sorted(
                        {
                            n.id
                            for n in ast.walk(node)
                            if isinstance(n, ast.Name) and n.id in containers
                        }
                    )
                    found.append((node.name, node.lineno, reads))
                    break
        return found

    def calls_method(self, method: str) -> list[int]:
        return [
            n.lineno
            for n in self.nodes()
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == method
        ]

    def thread_lines(self) -> list[int]:
        lines = []
        for node in self.nodes():
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in THREAD_CALLS:
                    lines.append(node.lineno)
        return lines

    def read_modify_writes(self) -> list[ReadModifyWrite]:
        """`self.x += 1`, or `v = self.x` followed by `self.x = <expr using v>`, in one method."""
        found = []
        for func in self.nodes():
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            reads: dict[str, tuple[str, int]] = {}  # local -> (attribute, line)
            for node in sorted(
                (n for n in ast.walk(func) if isinstance(n, ast.stmt)), key=lambda n: n.lineno
            ):
                locked = any(isinstance(a, ast.With | ast.AsyncWith) for a in self.ancestors(node))
                if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Attribute):
                    found.append(
                        ReadModifyWrite(
                            func.name, node.target.attr, node.lineno, node.lineno, locked
                        )
                    )
                elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                    if isinstance(target, ast.Name) and isinstance(value, ast.Attribute):
                        reads[target.id] = (value.attr, node.lineno)
                    elif isinstance(target, ast.Attribute):
                        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
                        for local, (attr, line) in reads.items():
                            if attr == target.attr and local in used:
                                found.append(
                                    ReadModifyWrite(func.name, attr, line, node.lineno, locked)
                                )
        return found
