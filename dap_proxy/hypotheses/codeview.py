"""Reads the Python source around failing frames for the offline engine's rules: the crash line, the
enclosing function and loops, who assigned a name, mutable defaults, class-level containers,
caches and their invalidation, threads and unlocked read-modify-write.

Uses the standard `ast` (these are questions about one Python file's semantics; the analysis room's
tree-sitter facts cover the language-neutral critical path and are merged in by the engine).
Files that do not parse (or are not Python) give an empty view, never an error.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dap_proxy.hypotheses.models import FailureContext

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


class SourceView:
    """One parsed file. `rel` is the path shown to users (relative to the workspace)."""

    def __init__(self, path: Path, rel: str) -> None:
        self.path = path
        self.rel = rel
        try:
            self.text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            self.text = ""
        self.lines = self.text.splitlines()
        try:
            self.tree: ast.Module | None = ast.parse(self.text) if path.suffix == ".py" else None
        except (SyntaxError, ValueError):
            self.tree = None
        self._parents: dict[ast.AST, ast.AST] = {}
        self._function_at: dict[int, ast.FunctionDef | ast.AsyncFunctionDef | None] = {}
        self._nodes: list[ast.AST] | None = None
        self._containers: list[Container] | None = None
        self._functions: list[ast.FunctionDef | ast.AsyncFunctionDef] | None = None
        if self.tree:
            for parent in ast.walk(self.tree):
                for child in ast.iter_child_nodes(parent):
                    self._parents[child] = parent

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
        while node in self._parents:
            node = self._parents[node]
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


@lru_cache(maxsize=64)
def _view(path: str, rel: str, mtime: float) -> SourceView:
    return SourceView(Path(path), rel)


def view(workspace: str | Path, rel: str) -> SourceView:
    path = Path(workspace) / rel
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _view(str(path), rel, mtime)


def workspace_views(context: FailureContext) -> list[SourceView]:
    """One view per distinct workspace file on the failing path, innermost frame's file first."""
    seen: list[str] = []
    for frame in reversed(context.workspace_frames):
        rel = context.relative(frame.workspace_path or "")
        if rel and rel not in seen:
            seen.append(rel)
    return [view(context.workspace, rel) for rel in seen]


def imported_views(test: SourceView, workspace: str | Path) -> list[SourceView]:
    """Workspace modules a file imports (`from cart import x`, `import cart`), looked up next to
    it, one level up, at the workspace root and in src/."""
    if test.tree is None:
        return []
    root = Path(workspace)
    here = (root / test.rel).parent
    names: list[str] = []
    for node in ast.walk(test.tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    found: list[SourceView] = []
    for module in dict.fromkeys(names):
        relative = Path(*module.split(".")).with_suffix(".py")
        for base in (here, here.parent, root, root / "src"):
            candidate = base / relative
            if candidate.is_file():
                try:
                    rel = candidate.resolve().relative_to(root.resolve()).as_posix()
                except ValueError:
                    break
                found.append(view(root, rel))
                break
    return found


def is_test_file(rel: str) -> bool:
    name = Path(rel).name
    return name.startswith("test_") or name.endswith("_test.py") or "/tests/" in f"/{rel}"


def state_signals(context: FailureContext) -> list[str]:
    """Reasons the code on the failing path keeps complex state (for the strategy flags)."""
    reasons = []
    sources = workspace_views(context)
    if sources and all(is_test_file(s.rel) for s in sources):
        sources += imported_views(sources[0], context.workspace)
    for source in sources:
        for cache in source.caches():
            reasons.append(f"{source.rel}:{cache.line} keeps a cache `{cache.name}`")
        for func, line, _reads in source.memoised_functions():
            reasons.append(f"{source.rel}:{line} memoises `{func}`")
        for func, param, line, default in source.mutable_defaults():
            reasons.append(f"{source.rel}:{line} `{func}` has a mutable default {param}={default}")
        for container in source.containers():
            if container.owner != "module" and container.writes:
                reasons.append(
                    f"{source.rel}:{container.line} class attribute "
                    f"`{container.owner}.{container.name}` is shared and mutated"
                )
    return reasons[:5]
