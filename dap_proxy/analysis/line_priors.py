"""Static priors for fault localization: how likely a line is to hold a bug from what it is
(decision, arithmetic, index/slice/loop bound, recursion base case...) and from where it is (in the
backward slice of the crashing line, or controlling it). Small boosts next to the dynamic evidence.

Read from the file's `pysource.PythonSource` (Python's `ast`: localize only mutates and runs
Python; the tree-sitter facts cover more languages for the probes).
"""

from __future__ import annotations

import ast
import re

from pydantic import BaseModel, Field

from dap_proxy.analysis.pysource import PythonSource


class LinePrior(BaseModel):
    prior: float  # 0..1
    tags: list[str] = Field(default_factory=list)  # what the line is: decision, arithmetic, ...
    text: str = ""
    names: list[str] = Field(default_factory=list)  # names the line reads (for a logpoint)
    in_loop: bool = False
    concurrency: float = 0.0  # 0..1: synchronizes threads or touches shared state (races)


_LOCK_WORDS = re.compile(r"lock|semaphore|barrier|condition", re.I)
_SYNC_WORDS = re.compile(r"lock|thread|semaphore|barrier|condition|acquire|release|atomic", re.I)


def _concurrency(stmt: ast.stmt, nodes: list[ast.AST]) -> float:
    """Where races live: creating or taking locks, starting/joining threads, yielding the CPU."""
    words = [n.id for n in nodes if isinstance(n, ast.Name)]
    words += [n.attr for n in nodes if isinstance(n, ast.Attribute)]
    creates = any(
        isinstance(n, ast.Call)
        and _LOCK_WORDS.search(getattr(n.func, "attr", getattr(n.func, "id", "")) or "")
        for n in nodes
    )
    if creates and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return 0.5  # a lock made and kept: usually right
    if creates and not isinstance(stmt, (ast.With, ast.AsyncWith)):
        return 1.0  # a lock made here and not kept is never shared: the classic race
    if any(_SYNC_WORDS.search(w) for w in words):
        return 0.6
    if any(w == "sleep" for w in words):
        return 0.3
    return 0.0


def _kind_prior(stmt: ast.stmt, nodes: list[ast.AST]) -> tuple[float, list[str]]:
    tags: list[str] = []
    score = 0.25
    if isinstance(stmt, (ast.If, ast.While)) or any(isinstance(n, ast.IfExp) for n in nodes):
        tags.append("decision")
        score = 0.6
    if any(isinstance(n, ast.Compare) for n in nodes) and "decision" not in tags:
        tags.append("comparison")
        score = max(score, 0.55)
    if isinstance(stmt, ast.AugAssign) or any(isinstance(n, ast.BinOp) for n in nodes):
        tags.append("arithmetic")
        score = max(score, 0.5)
    if any(isinstance(n, (ast.Subscript, ast.Slice)) for n in nodes):
        tags.append("index")
        score = max(score, 0.5)
    if any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "range"
        for n in nodes
    ):
        tags.append("loop bound")
        score = max(score, 0.55)
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        tags.append("loop")
        score = max(score, 0.4)
    if isinstance(stmt, ast.Return) and stmt.value is not None:
        tags.append("return")
        score = max(score, 0.4)
    if isinstance(stmt, ast.Raise):
        tags.append("raise")  # usually the symptom, not the cause
        score = 0.05
    elif isinstance(stmt, ast.Assert):
        score = 0.1
    elif isinstance(stmt, (ast.Pass, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
        score = 0.05
    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        score = 0.0  # docstring
    return score, tags


def _own_nodes(stmt: ast.stmt) -> list[ast.AST]:
    """Expression nodes of the statement itself, not of nested statements."""
    found: list[ast.AST] = []
    stack = [c for c in ast.iter_child_nodes(stmt) if not isinstance(c, ast.stmt)]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt))
    return found


def _names(nodes: list[ast.AST], ctx: type) -> set[str]:
    return {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def line_priors(text: str, crash_lines: set[int] | None = None) -> dict[int, LinePrior]:
    """Prior per statement line of one file. `crash_lines`: lines of this file on the failing
    traceback (deepest project frames); their backward slice and controlling decisions get a boost."""
    source = PythonSource(text, "<text>.py")
    tree = source.tree
    if tree is None:
        return {}
    source_lines = text.splitlines()
    priors: dict[int, LinePrior] = {}
    statements: list[tuple[ast.stmt, ast.AST | None]] = []  # statement, enclosing function
    parents = source.parents

    def function_of(node: ast.AST) -> ast.AST | None:
        current = parents.get(node)
        while current is not None and not isinstance(
            current, (ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            current = parents.get(current)
        return current

    for node in source.nodes():
        if isinstance(node, ast.stmt) and not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ):
            statements.append((node, function_of(node)))
    for stmt, _ in statements:
        nodes = _own_nodes(stmt)
        score, tags = _kind_prior(stmt, nodes)
        text_line = (
            source_lines[stmt.lineno - 1].strip() if stmt.lineno <= len(source_lines) else ""
        )
        current = priors.get(stmt.lineno)
        if current is None or score > current.prior:
            in_loop = False
            walker = parents.get(stmt)
            while walker is not None and not isinstance(walker, (ast.FunctionDef, ast.Module)):
                in_loop = in_loop or isinstance(walker, (ast.For, ast.While, ast.AsyncFor))
                walker = parents.get(walker)
            read = sorted(_names(nodes, ast.Load) - {"True", "False", "None"})
            priors[stmt.lineno] = LinePrior(
                prior=score, tags=tags, text=text_line, names=read[:4], in_loop=in_loop,
                concurrency=_concurrency(stmt, nodes),
            )  # fmt: skip

    # recursion: base-case decisions and the recursive calls' arguments
    for func in source.nodes():
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        recursive = [
            n for n in ast.walk(func)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == func.name
        ]  # fmt: skip
        if not recursive:
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.If) and any(isinstance(s, ast.Return) for s in node.body):
                _boost(priors, node.lineno, 0.2, "recursion base case")
        for call in recursive:
            _boost(priors, call.lineno, 0.15, "recursive call")

    # backward slice of the crash lines inside their function, plus the decisions guarding them
    for crash in crash_lines or set():
        owner = [(s, f) for s, f in statements if s.lineno == crash]
        if not owner:
            continue
        stmt, owner_func = owner[0]
        wanted = _names(_own_nodes(stmt), ast.Load)
        scope = [s for s, f in statements if f is owner_func and s.lineno < crash]
        for _ in range(3):  # a few rounds of transitive definitions are plenty for small code
            grew = False
            for other in scope:
                nodes = _own_nodes(other)
                if _names(nodes, ast.Store) & wanted:
                    if _boost(priors, other.lineno, 0.15, "backward slice of the failure"):
                        grew = True
                    wanted |= _names(nodes, ast.Load)
            if not grew:
                break
        guard: ast.AST | None = parents.get(stmt)
        while guard is not None and guard is not owner_func:
            if isinstance(guard, (ast.If, ast.While, ast.For)):
                _boost(priors, guard.lineno, 0.1, "controls the failing line")
            guard = parents.get(guard)
    return priors


def _boost(priors: dict[int, LinePrior], line: int, amount: float, tag: str) -> bool:
    entry = priors.get(line)
    if entry is None or tag in entry.tags:
        return False
    entry.prior = min(1.0, entry.prior + amount)
    entry.tags.append(tag)
    return True
