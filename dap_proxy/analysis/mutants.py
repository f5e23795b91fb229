"""Small semantic changes (mutants) of one line of Python, for perturbation experiments
(mutation-based fault localization in the spirit of Metallaxis / MUSE) and predicate switching.

Edits are applied as text at the exact node offsets that `ast` reports, so the rest of the file
stays byte-identical (comments, formatting, other lines). Each mutant carries a "naturalness"
weight: how plausible it is as the programmer's actual slip (a `<` vs `<=` is a classic bug; forcing
a condition to `True` is an experiment, not a fix), which the ranking uses to tell a real fix from a
compensating change far from the fault.
"""

from __future__ import annotations

import ast
import bisect
import builtins
from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from dap_proxy.analysis.pysource import PythonSource

MAX_MUTANTS_PER_LINE = 32
MAX_NAME_ALTERNATIVES = 3
MAX_STRING_ALTERNATIVES = 5
MAX_INSERTIONS = 4
MAX_STRING_CONSTANT = 30  # longer strings are messages, not states or keys

_CMP_TEXT: dict[type, str] = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}  # fmt: skip
_CMP_ALTS: dict[type, list[tuple[type, float]]] = {
    ast.Lt: [(ast.LtE, 1.0), (ast.Gt, 0.6), (ast.GtE, 0.6)],
    ast.LtE: [(ast.Lt, 1.0), (ast.GtE, 0.6), (ast.Gt, 0.6)],
    ast.Gt: [(ast.GtE, 1.0), (ast.Lt, 0.6), (ast.LtE, 0.6)],
    ast.GtE: [(ast.Gt, 1.0), (ast.LtE, 0.6), (ast.Lt, 0.6)],
    ast.Eq: [(ast.NotEq, 0.9), (ast.GtE, 0.7), (ast.LtE, 0.7)],  # loop exits: == vs >=
    ast.NotEq: [(ast.Eq, 0.9), (ast.Lt, 0.6), (ast.Gt, 0.6)],
    ast.Is: [(ast.IsNot, 0.9)],
    ast.IsNot: [(ast.Is, 0.9)],
    ast.In: [(ast.NotIn, 0.9)],
    ast.NotIn: [(ast.In, 0.9)],
}
_BIN_TEXT: dict[type, str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|",
    ast.BitXor: "^", ast.MatMult: "@",
}  # fmt: skip
_BIN_ALTS: dict[type, list[tuple[type, float]]] = {
    ast.Add: [(ast.Sub, 0.9), (ast.Mult, 0.6)],
    ast.Sub: [(ast.Add, 0.9)],
    ast.Mult: [(ast.Div, 0.7), (ast.Add, 0.7), (ast.Pow, 0.5)],
    ast.Div: [(ast.FloorDiv, 0.9), (ast.Mult, 0.7)],
    ast.FloorDiv: [(ast.Div, 0.9), (ast.Mod, 0.6), (ast.Mult, 0.5)],
    ast.Mod: [(ast.FloorDiv, 0.7)],
    ast.Pow: [(ast.Mult, 0.7)],
    ast.LShift: [(ast.RShift, 0.8)],
    ast.RShift: [(ast.LShift, 0.8)],
    ast.BitAnd: [(ast.BitOr, 0.8)],
    ast.BitOr: [(ast.BitAnd, 0.8)],
}
_FUNC_SWAPS = {
    "min": "max", "max": "min", "any": "all", "all": "any", "iter": "reversed", "reversed": "iter",
}  # fmt: skip
_METHOD_SWAPS = {
    "lower": "upper", "upper": "lower", "startswith": "endswith", "endswith": "startswith",
    "lstrip": "rstrip", "rstrip": "lstrip", "isdigit": "isalpha", "isalpha": "isdigit",
    "keys": "values", "values": "keys", "append": "extend", "remove": "discard", "find": "rfind",
    "index": "rindex", "sort": "reverse", "floor": "ceil", "ceil": "floor",
}  # fmt: skip
# attributes that come in pairs: reading one for the other is a classic slip (`node.prev` for
# `node.next` in a linked list, `.left` for `.right` in a tree)
_ATTR_SWAPS = {
    "prev": "next", "next": "prev", "left": "right", "right": "left", "first": "last",
    "last": "first", "head": "tail", "tail": "head", "start": "end", "end": "start",
    "begin": "end", "parent": "child", "low": "high", "high": "low", "lo": "hi", "hi": "lo",
    "min": "max", "max": "min", "width": "height", "height": "width", "x": "y", "y": "x",
}  # fmt: skip
_DEFAULTS = ("{}", "[]", "0", '""')
_ATOMIC = (ast.Name, ast.Constant, ast.Attribute, ast.Subscript, ast.Call, ast.List, ast.Dict)
_BUILTINS = frozenset(dir(builtins))


class Mutant(BaseModel):
    """One changed version of a file, differing in one place on one line."""

    file: str  # project-relative path
    line: int
    operator: str  # compare, arith, constant, offset, negate, predicate, args, name, call, drop
    original: str  # the replaced source text
    replacement: str
    naturalness: float  # 0..1, how plausible as the actual bug
    condition: str | None = (
        None  # side-effect free; true exactly when the mutant behaves differently
    )
    source: str = ""  # the whole mutated file

    @property
    def description(self) -> str:
        if self.operator == "insert":
            return f"inserting `{_short(self.replacement)}`"
        return f"`{_short(self.original)}` -> `{_short(self.replacement)}`"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Source:
    """The file's text with (line, byte column) -> character offset conversion."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        return self.starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def replace(self, start: int, end: int, new: str) -> str:
        return self.text[:start] + new + self.text[end:]


def _pure(node: ast.AST) -> bool:
    """No calls, awaits, yields or walrus: safe to evaluate twice in a breakpoint condition."""
    return not any(
        isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr))
        for n in ast.walk(node)
    )


def _wrap(src: _Source, node: ast.AST) -> str:
    text = src.segment(node)
    if isinstance(node, _ATOMIC) and not (
        isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0
    ):
        return text
    return f"({text})"


def _header_expressions(stmt: ast.stmt) -> Sequence[ast.AST]:
    """The expressions a statement evaluates on its own lines (not its nested body)."""
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in stmt.items]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Try)):
        return []
    if isinstance(stmt, ast.Assign):
        return [stmt.value, *[t for t in stmt.targets if not isinstance(t, ast.Name)]]
    if isinstance(stmt, ast.AugAssign):  # `counts[token] += 1`: the index may be the slip
        return [stmt.value] + ([] if isinstance(stmt.target, ast.Name) else [stmt.target])
    if isinstance(stmt, ast.AnnAssign):
        return [stmt.value] if stmt.value is not None else []
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return []  # a docstring
    return [child for child in ast.iter_child_nodes(stmt) if isinstance(child, ast.expr)]


def _own_lines(stmt: ast.stmt) -> set[int]:
    """The lines on which a statement evaluates something itself: its first line and its
    header expressions' lines (a line of its nested body belongs to the statement there)."""
    lines = {stmt.lineno}
    for header in _header_expressions(stmt):
        first = header.lineno  # type: ignore[attr-defined]
        lines.update(range(first, (header.end_lineno or first) + 1))  # type: ignore[attr-defined]
    return lines


def _walk_expr(node: ast.AST) -> Iterator[ast.AST]:
    """Walk an expression, not into f-strings (their positions are unreliable)."""
    yield node
    if isinstance(node, ast.JoinedStr):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk_expr(child)


def _scope_names(func: ast.AST | None, tree: ast.Module) -> list[str]:
    """Parameters and local variables of the enclosing function (or module-level names)."""
    scope = func if func is not None else tree
    names: list[str] = []
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = scope.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            names.append(arg.arg)
        if args.vararg:
            names.append(args.vararg.arg)
    for node in ast.walk(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
        elif isinstance(node, ast.arg) and scope is not tree and node.arg not in names:
            names.append(node.arg)
    seen: list[str] = []
    for name in names:
        if name not in seen and name not in ("self", "cls", "_"):
            seen.append(name)
    return seen


def _class_attributes(cls: ast.ClassDef | None) -> list[str]:
    if cls is None:
        return []
    found: list[str] = []
    for node in ast.walk(cls):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr not in found
        ):
            found.append(node.attr)
    return found


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _value_key(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[str, int, str] | None:
    """What a value is known by: a variable by its name in its function (the same name may be
    a number in another), an attribute by its name across the file."""
    if isinstance(node, ast.Attribute):
        return ("attr", 0, node.attr)
    if not isinstance(node, ast.Name):
        return None
    scope = parents.get(node)
    while scope is not None and not isinstance(scope, _SCOPES):
        scope = parents.get(scope)
    return ("name", id(scope), node.id)


def _object_values(tree: ast.Module, parents: dict[ast.AST, ast.AST]) -> set[tuple[str, int, str]]:
    """Variables and attributes the file uses as objects, never as numbers: something's
    attributes are read (`curr.keys`), it is indexed (`links[key]`), or compared by identity
    with something other than None (`curr is root`); and what is assigned from or to such a
    value (`curr = root.prev`, `root.prev = root`). Adding 1 to one of them is a TypeError,
    not a plausible slip, so no offset mutant is made for them."""
    found: set[tuple[str, int, str]] = set()
    groups: list[list[tuple[str, int, str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) or (
            isinstance(node, ast.Attribute) and not isinstance(node.value, ast.Constant)
        ):
            key = _value_key(node.value, parents)
            if key is not None and key[2] not in ("self", "cls"):
                found.add(key)
        elif isinstance(node, ast.Compare) and any(
            isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops
        ):
            operands = [node.left, *node.comparators]
            if not any(isinstance(o, ast.Constant) for o in operands):
                found.update(k for o in operands if (k := _value_key(o, parents)) is not None)
        elif isinstance(node, ast.Assign):
            values = [*node.targets, node.value]
            group = [k for t in values if (k := _value_key(t, parents)) is not None]
            if len(group) > 1:
                groups.append(group)
    for _ in range(3):  # a few rounds carry it along chains of plain assignments
        grew = False
        for group in groups:
            if found.intersection(group) and not found.issuperset(group):
                found.update(group)
                grew = True
        if not grew:
            break
    return found


class _Generator:
    def __init__(self, rel: str, text: str, source: PythonSource):
        assert source.tree is not None
        self.rel = rel
        self.src = _Source(text)
        self.tree = tree = source.tree
        self.parents = source.parents
        self.module_names = {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        } | {
            a.asname or a.name.split(".")[0]
            for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names
        } | {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}  # fmt: skip
        self.objects = _object_values(tree, self.parents)
        self.attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        self._unused: dict[int, list[str]] = {}  # function id -> parameters it never reads
        # short string literals of the file: the alternatives for a wrong string constant
        self.strings: list[tuple[int, str]] = []
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and 0 < len(node.value) <= MAX_STRING_CONSTANT
                and not isinstance(self.parents.get(node), (ast.Expr, ast.JoinedStr))
            ):
                self.strings.append((node.lineno, node.value))
        # the top-level statements' line ranges (first line with decorators, last line);
        # statements sharing a line (`x = (1,\n 2); y = 3`) make one range
        self._blocks: list[tuple[int, int]] = []
        for node in tree.body:
            decorators = getattr(node, "decorator_list", [])
            first = min([node.lineno, *[d.lineno for d in decorators]])
            last = node.end_lineno or node.lineno
            if self._blocks and first <= self._blocks[-1][1]:
                first = self._blocks.pop()[0]
            self._blocks.append((first, last))
        self._block_firsts = [first for first, _ in self._blocks]
        # the statements whose own expressions are on each line, in `ast.walk` order
        self._statements: dict[int, list[ast.stmt]] = {}
        for stmt in ast.walk(tree):
            if isinstance(stmt, ast.stmt):
                for line in _own_lines(stmt):
                    self._statements.setdefault(line, []).append(stmt)

    def _block_with(self, start: int, end: int, new: str) -> str:
        """The top-level statement holding the edit (its whole lines, decorators included), with
        the edit made: what `compile` must accept. Every scope, `global` and `nonlocal` lies
        inside one top-level statement, so it accepts exactly when the whole mutated file would;
        compiling a few lines instead of the whole file for each candidate is what keeps
        planning the mutants of a large module cheap. The whole file when no statement holds it."""
        starts = self.src.starts
        line = bisect.bisect_right(starts, start) - 1  # 0-based line of the edit's start
        index = bisect.bisect_right(self._block_firsts, line + 1) - 1
        if index >= 0:
            first, last = self._blocks[index]
            low, high = starts[first - 1], starts[min(last, len(starts) - 1)]
            if low <= start and end <= high:
                text = self.src.text
                return text[low:start] + new + text[end:high]
        return self.src.replace(start, end, new)

    def _enclosing(self, node: ast.AST, kinds: tuple[type, ...]) -> ast.AST | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kinds):
            current = self.parents.get(current)
        return current

    def _role(self, node: ast.AST) -> str:
        parent = self.parents.get(node)
        if isinstance(parent, ast.Subscript):
            return "index" if parent.slice is node else "container"
        if isinstance(parent, ast.Attribute):
            return "object"
        if isinstance(parent, ast.Call) and node in parent.args:
            return "argument"
        return "value"

    def _nearest(self, names: list[str], scope: ast.AST | None, node: ast.Name) -> list[str]:
        """Names in the same role (an index for an index, a container for a container) first,
        then by how close to the line they are used: a wrong variable is usually one of the
        same kind that the programmer was handling a few lines away."""
        line = node.lineno
        role = self._role(node)
        distance: dict[str, int] = {}
        same_role: set[str] = set()
        for other in ast.walk(scope if scope is not None else self.tree):
            if (
                isinstance(other, ast.Name)
                and other.id in names
                and isinstance(other.ctx, ast.Load)
            ):
                gap = abs(other.lineno - line)
                distance[other.id] = min(distance.get(other.id, gap), gap)
                if self._role(other) == role:
                    same_role.add(other.id)
        pool = [n for n in names if n in same_role]
        if not pool and role in ("value", "index", "argument"):
            pool = names  # nothing else plays that part: any local may
        return sorted(pool, key=lambda n: (distance.get(n, 10_000), names.index(n)))

    def _make(
        self, line: int, operator: str, node_span: tuple[int, int], new: str, weight: float,
        condition: str | None = None,
    ) -> Mutant | None:  # fmt: skip
        start, end = node_span
        original = self.src.text[start:end]
        if new == original:
            return None
        try:
            compile(self._block_with(start, end, new), self.rel, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return None
        return Mutant(
            file=self.rel, line=line, operator=operator, original=original, replacement=new,
            naturalness=weight, condition=condition, source=self.src.replace(start, end, new),
        )  # fmt: skip

    def _expr_mutants(self, node: ast.AST, line: int, stmt: ast.stmt) -> Iterator[Mutant | None]:
        src = self.src
        span = src.span(node)
        pure = _pure(node)
        original = src.segment(node)

        def cond(new: str) -> str | None:
            return f"({original}) != ({new})" if pure else None

        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                for alt, weight in _CMP_ALTS.get(type(op), []):
                    parts = [_wrap(src, node.left)]
                    for j, (o, comp) in enumerate(zip(node.ops, node.comparators, strict=True)):
                        parts.append(_CMP_TEXT[alt if j == i else type(o)])
                        parts.append(_wrap(src, comp))
                    new = " ".join(parts)
                    yield self._make(line, "compare", span, new, weight, cond(new))
        elif isinstance(node, ast.BinOp):
            left, right = _wrap(src, node.left), _wrap(src, node.right)
            for alt, weight in _BIN_ALTS.get(type(node.op), []):
                new = f"{left} {_BIN_TEXT[alt]} {right}"
                yield self._make(line, "arith", span, new, weight, cond(new))
            if isinstance(node.op, (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod)):
                new = f"{right} {_BIN_TEXT[type(node.op)]} {left}"
                yield self._make(line, "args", span, new, 0.5, cond(new))
        elif isinstance(node, ast.BoolOp):
            other = " or " if isinstance(node.op, ast.And) else " and "
            new = other.join(_wrap(src, v) for v in node.values)
            yield self._make(line, "compare", span, new, 0.8, cond(new))
            if len(node.values) > 2:
                return
            for keep in node.values:  # drop one operand of a two-operand and/or
                new = _wrap(src, keep)
                yield self._make(line, "drop", span, new, 0.5, cond(new))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            new = _wrap(src, node.operand)
            yield self._make(line, "negate", span, new, 0.7, cond(new))
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            new = "False" if node.value else "True"
            yield self._make(line, "constant", span, new, 0.8)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if isinstance(self.parents.get(node), ast.JoinedStr):
                return
            others: list[str] = []
            for _, value in sorted(self.strings, key=lambda s: abs(s[0] - line)):
                if value != node.value and value not in others:
                    others.append(value)
            for value in others[:MAX_STRING_ALTERNATIVES]:
                yield self._make(line, "constant", span, repr(value), 0.6)
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            parent = self.parents.get(node)
            if isinstance(parent, ast.UnaryOp):
                return  # -1 is mutated as a whole by the offset rule of its parent
            for delta in (1, -1):
                yield self._make(line, "constant", span, str(node.value + delta), 0.85)
            if node.value not in (0, 1):
                yield self._make(line, "constant", span, "0", 0.4)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _FUNC_SWAPS:
                fspan = src.span(func)
                yield self._make(line, "call", fspan, _FUNC_SWAPS[func.id], 0.8)
            if isinstance(func, ast.Attribute) and func.attr in _METHOD_SWAPS:
                fend = src.span(func)[1]
                new_attr = _METHOD_SWAPS[func.attr]
                yield self._make(line, "call", (fend - len(func.attr), fend), new_attr, 0.7)
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("get", "pop")
                and len(node.args) == 1
                and not node.keywords
            ):  # a missing default: the None/KeyError path
                arg_end = src.span(node.args[0])[1]
                for default in _DEFAULTS:
                    new = src.text[span[0] : arg_end] + f", {default}" + src.text[arg_end : span[1]]
                    yield self._make(line, "call", span, new, 0.5)
            positional = [a for a in node.args if not isinstance(a, ast.Starred)]
            if len(positional) == len(node.args) and len(positional) >= 2:
                for a, b in zip(positional, positional[1:], strict=False):
                    aspan, bspan = src.span(a), src.span(b)
                    if aspan[1] <= bspan[0]:
                        between = src.text[aspan[1] : bspan[0]]
                        new = src.segment(b) + between + src.segment(a)
                        yield self._make(line, "args", (aspan[0], bspan[1]), new, 0.6)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.slice, ast.Slice)
            and node.slice.lower is node.slice.upper is node.slice.step is None
        ):  # `items[:]`: a copy where the original was meant (changes that never reach it)
            yield self._make(line, "drop", span, _wrap(src, node.value), 0.7)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and not isinstance(node.slice, (ast.Slice, ast.Constant))
        ):  # `d[key]` that raises KeyError on one path
            container, key = _wrap(src, node.value), src.segment(node.slice)
            for default in ("None", *_DEFAULTS):
                new = (
                    f"{container}.get({key}, {default})"
                    if default != "None"
                    else f"{container}.get({key})"
                )
                yield self._make(line, "call", span, new, 0.45)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            parent = self.parents.get(node)
            if isinstance(parent, ast.Call) and parent.func is node:
                return
            if node.id in _BUILTINS or node.id in ("self", "cls"):
                return
            scope = self._enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            names = [n for n in _scope_names(scope, self.tree) if n != node.id]
            role = self._role(node)
            weight = 0.65 if role == "index" else 0.6  # a wrong index variable is a classic
            for other in self._nearest(names, scope, node)[:MAX_NAME_ALTERNATIVES]:
                yield self._make(line, "name", span, other, weight, cond(other) if pure else None)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            parent = self.parents.get(node)
            if isinstance(parent, ast.Call) and parent.func is node:
                return
            if node.attr in _ATTR_SWAPS:
                aend = span[1]
                swapped = _ATTR_SWAPS[node.attr]
                # the file uses the other half of the pair too: a slip between the two is as
                # plausible as an off-by-one; a pair the code never completes is a long shot
                weight = 0.85 if swapped in self.attributes else 0.5
                yield self._make(line, "name", (aend - len(node.attr), aend), swapped, weight)
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                cls = self._enclosing(node, (ast.ClassDef,))
                others = [a for a in _class_attributes(cls) if a != node.attr]  # type: ignore[arg-type]
                for other in others[:MAX_NAME_ALTERNATIVES]:
                    new = f"self.{other}"
                    yield self._make(line, "name", span, new, 0.5, cond(new))
                # `self.default` where the parameter `value` was meant (and the reverse below)
                method = self._enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    params = [
                        a.arg for a in [*method.args.args, *method.args.kwonlyargs]
                        if a.arg not in ("self", "cls")
                    ]  # fmt: skip
                    close = [p for p in params if p in node.attr or node.attr in p]
                    for other in (close or params)[:2]:
                        yield self._make(line, "name", span, other, 0.55, cond(other))
        # a parameter the function never reads: the value it was to give is a constant or
        # another name instead (`next(it, None)` in a function that takes `default`)
        if self._reads_a_value(node):
            for other in self._unused_parameters(node):
                yield self._make(line, "name", span, other, 0.8)
        # +/- 1 on integer-ish places: indexes, slice bounds, range()/len() arguments, comparisons
        if self._offset_site(node):
            for sign in ("+", "-"):
                new = f"{_wrap(src, node)} {sign} 1"
                yield self._make(line, "offset", span, new, 0.7, cond(new))

    def _reads_a_value(self, node: ast.AST) -> bool:
        """A constant or a variable read as a value (not a called name, not `self`)."""
        parent = self.parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            return False
        if isinstance(node, ast.Name):
            return isinstance(node.ctx, ast.Load) and node.id not in ("self", "cls")
        return isinstance(node, ast.Constant) and not isinstance(parent, ast.JoinedStr)

    def _unused_parameters(self, node: ast.AST) -> list[str]:
        """Parameters of the function holding `node` that its body never reads (not `self`,
        not `_private` ones, which say they are unused on purpose)."""
        func = self._enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return []
        found = self._unused.get(id(func))
        if found is None:
            args = func.args
            params = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
            read = {
                n.id
                for n in ast.walk(func)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            }
            found = [
                p
                for p in params
                if p not in read and p not in ("self", "cls") and not p.startswith("_")
            ][:MAX_NAME_ALTERNATIVES]
            self._unused[id(func)] = found
        return found

    def _offset_site(self, node: ast.AST) -> bool:
        if not isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.BinOp, ast.Subscript)):
            return False
        if _value_key(node, self.parents) in self.objects:
            return False  # an object, not a number
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id != "len":
            return False
        parent = self.parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            return False
        if isinstance(parent, ast.Slice):
            return node is not parent.step
        if isinstance(parent, ast.Subscript):
            return parent.slice is node
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name):
            return parent.func.id == "range" and node in parent.args
        if isinstance(parent, ast.Compare):
            if any(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops):
                return False  # identity: `x + 1 is y` is never what was meant
            if node is not parent.left and any(
                isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops
            ):
                return False  # the container of a membership test
            return not isinstance(node, ast.Call) or (
                isinstance(node.func, ast.Name) and node.func.id == "len"
            )
        holder = self.parents.get(parent) if isinstance(parent, ast.Tuple) else None
        assigned = isinstance(parent, (ast.Assign, ast.AugAssign, ast.Return)) and (
            parent.value is node
        )
        if isinstance(holder, (ast.Assign, ast.Return)) and holder.value is parent:
            assigned = True  # `c, n = c * k, n - 1`: each element is an assigned value
        if assigned:
            return not isinstance(node, ast.Call) or (
                isinstance(node.func, ast.Name) and node.func.id == "len"
            )
        return False

    def _insert_mutants(self, stmt: ast.stmt, line: int) -> Iterator[Mutant | None]:
        """Missing code: insert, right after this statement (before it, for a `return`), a copy
        of a call or update statement the same class or function makes elsewhere (the
        `move_to_end(key)` that `get` forgot, the final `append` after a loop)."""
        simple = (ast.Assign, ast.AugAssign, ast.Expr, ast.Return)
        if not isinstance(stmt, simple) or stmt.lineno != stmt.end_lineno:
            return
        func = self._enclosing(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        if func is None:
            return
        owner = self._enclosing(func, (ast.ClassDef,)) or func
        in_scope = set(_scope_names(func, self.tree)) | {"self", "cls"} | self.module_names
        text_line = self.src.lines[line - 1]
        indent = text_line[: len(text_line) - len(text_line.lstrip())]
        own = self.src.segment(stmt).strip()
        donors: list[tuple[int, str]] = []
        for other in ast.walk(owner):
            if not isinstance(other, (ast.Expr, ast.AugAssign)) or other is stmt:
                continue
            if other.lineno != other.end_lineno:
                continue
            if isinstance(other, ast.Expr) and not isinstance(other.value, ast.Call):
                continue
            names = {n.id for n in ast.walk(other) if isinstance(n, ast.Name)}
            code = self.src.segment(other).strip()
            if names <= in_scope and code != own and code not in [d for _, d in donors]:
                donors.append((abs(other.lineno - line), code))
        donors.sort()
        start = self.src.starts[line - 1]
        at = start if isinstance(stmt, ast.Return) else self.src.starts[line]
        for _, code in donors[:MAX_INSERTIONS]:
            yield self._make(line, "insert", (at, at), f"{indent}{code}\n", 0.4)

    def _statement_mutants(self, stmt: ast.stmt, line: int) -> Iterator[Mutant | None]:
        src = self.src
        test = getattr(stmt, "test", None)
        if isinstance(stmt, (ast.If, ast.While)) and test is not None:
            span = src.span(test)
            original = src.segment(test)
            yield self._make(line, "negate", span, f"not ({original})", 0.7)
            yield self._make(line, "predicate", span, "False", 0.35)
            if isinstance(stmt, ast.If):
                yield self._make(line, "predicate", span, "True", 0.35)
        single = stmt.lineno == stmt.end_lineno
        if isinstance(stmt, ast.AugAssign) and single:
            target = src.segment(stmt.target)
            for alt, weight in _BIN_ALTS.get(type(stmt.op), []):
                new = f"{target} {_BIN_TEXT[alt]}= {src.segment(stmt.value)}"
                yield self._make(line, "arith", src.span(stmt), new, weight)
        if isinstance(stmt, ast.AugAssign) and single and isinstance(stmt.target, ast.Subscript):
            item = stmt.target  # `d[k] += v` raising KeyError for a new key
            container, key = _wrap(src, item.value), src.segment(item.slice)
            value = _wrap(src, stmt.value)
            for default in ("0", '""', "[]"):
                new = (
                    f"{src.segment(item)} = {container}.get({key}, {default}) "
                    f"{_BIN_TEXT.get(type(stmt.op), '+')} {value}"
                )
                yield self._make(line, "call", src.span(stmt), new, 0.5)
        droppable = (ast.Assign, ast.AugAssign, ast.Expr, ast.Break, ast.Continue, ast.AnnAssign)
        if isinstance(stmt, droppable) and single:
            yield self._make(line, "drop", src.span(stmt), "pass", 0.45)
        if isinstance(stmt, ast.Return) and stmt.value is not None and single:
            pass  # return values are covered by the expression rules

    def for_line(self, line: int) -> list[Mutant]:
        found: list[Mutant] = []
        seen: set[str] = set()
        for stmt in self._statements.get(line, []):
            candidates: list[Mutant | None] = []
            if stmt.lineno == line:
                candidates.extend(self._statement_mutants(stmt, line))
                candidates.extend(self._insert_mutants(stmt, line))
            for header in _header_expressions(stmt):
                for node in _walk_expr(header):
                    if getattr(node, "lineno", None) == line:
                        candidates.extend(self._expr_mutants(node, line, stmt))
            # comprehension conditions and ternaries on the line, too
            for header in _header_expressions(stmt):
                for node in _walk_expr(header):
                    test = None
                    if isinstance(node, ast.IfExp):
                        test = node.test
                    if test is not None and test.lineno == line:
                        original = self.src.segment(test)
                        span = self.src.span(test)
                        candidates.append(
                            self._make(line, "negate", span, f"not ({original})", 0.7)
                        )
            for mutant in candidates:
                if mutant is not None and mutant.source not in seen:
                    seen.add(mutant.source)
                    found.append(mutant)
        # most natural first, but a few of every kind before many of one kind: a line with
        # many names must not crowd out its comparison or its wrong-variable mutants
        found.sort(key=lambda m: -m.naturalness)
        seen_kind: dict[str, int] = {}
        ranks: dict[int, int] = {}
        for index, mutant in enumerate(found):
            ranks[index] = seen_kind.get(mutant.operator, 0) // 4
            seen_kind[mutant.operator] = seen_kind.get(mutant.operator, 0) + 1
        order = sorted(range(len(found)), key=lambda i: (ranks[i], -found[i].naturalness))
        return [found[i] for i in order][:MAX_MUTANTS_PER_LINE]


def mutants_for_lines(rel: str, text: str, lines: list[int]) -> dict[int, list[Mutant]]:
    """All mutants of the given lines of one file (empty for a file that does not parse)."""
    source = PythonSource(text, rel if rel.endswith(".py") else f"{rel}.py")
    if source.tree is None:
        return {}
    generator = _Generator(rel, text, source)
    return {line: generator.for_line(line) for line in lines}
