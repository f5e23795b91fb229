"""Questions the offline engine's rules ask about a Python file, answered from its `ast` (through
`pysource.PythonSource`): what is divided on a line, what a call converts, the loop that never
ends, a recursion's base case, the boundary comparisons a function makes, the state tables and
mutations a class keeps. The rules get source text, lines and opaque node handles back (to pass to
`PythonSource.segment` or read `.lineno`); they never walk a tree themselves.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from dap_proxy.analysis.pysource import PythonSource

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
Assignment = ast.Assign | ast.AnnAssign

BOUNDARY_OPS: dict[type, str] = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<="}
MUTATORS = {"append", "extend", "add", "update", "insert", "pop", "remove", "clear", "setdefault"}
BUILTIN_CALLS = {"len", "round", "sorted", "list", "dict", "set", "str", "int", "float", "abs"}


def _called_name(node: ast.AST) -> str:
    return getattr(node, "id", "") or ""


# --- one line --------------------------------------------------------------------------------
@dataclass
class Division:
    node: ast.AST  # the `a / b` expression
    divisor: ast.AST
    divisor_is_name: bool
    divisor_len_of: ast.AST | None  # `len(x)` as the divisor: x


def divisions(source: PythonSource, line: int) -> list[Division]:
    """Divisions, floor divisions and modulos on a line."""
    found = []
    for n in source.nodes_on_line(line):
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div | ast.FloorDiv | ast.Mod):
            right = n.right
            length = (
                right.args[0]
                if isinstance(right, ast.Call) and _called_name(right.func) == "len" and right.args
                else None
            )
            found.append(Division(n, right, isinstance(right, ast.Name), length))
    return found


def len_argument(node: ast.AST | None) -> ast.AST | None:
    """x for an expression `len(x)`, else None."""
    if isinstance(node, ast.Call) and _called_name(node.func) == "len" and node.args:
        return node.args[0]
    return None


def call_argument(source: PythonSource, line: int, function: str) -> ast.AST | None:
    """The first argument of a call to `function` on a line (`int(record["qty"])`)."""
    for node in source.nodes_on_line(line):
        if isinstance(node, ast.Call) and _called_name(node.func) == function and node.args:
            return node.args[0]
    return None


def attribute_receiver(source: PythonSource, line: int, attr: str) -> ast.AST | None:
    """The object whose `.attr` a line reads."""
    for node in source.nodes_on_line(line):
        if isinstance(node, ast.Attribute) and node.attr == attr:
            return node.value
    return None


def binary_operation(source: PythonSource, line: int) -> tuple[ast.AST, ast.AST, ast.AST] | None:
    """(expression, left, right) of the first binary operation on a line."""
    for node in source.nodes_on_line(line):
        if isinstance(node, ast.BinOp):
            return node, node.left, node.right
    return None


def used_as(source: PythonSource, line: int, what: str) -> list[ast.AST]:
    """What a line subscripts, calls or iterates (`what`: subscriptable, callable, iterable), in
    the line's node order."""
    found: list[ast.AST] = []
    for node in source.nodes_on_line(line):
        if what == "subscriptable" and isinstance(node, ast.Subscript):
            found.append(node.value)
        elif what == "callable" and isinstance(node, ast.Call):
            found.append(node.func)
        elif what == "iterable" and isinstance(node, ast.For | ast.comprehension):
            found.append(node.iter)
    return found


def subscripts(source: PythonSource, line: int) -> list[ast.Subscript]:
    return [n for n in source.nodes_on_line(line) if isinstance(n, ast.Subscript)]


def subscript_parts(node: ast.Subscript) -> tuple[ast.AST, ast.AST]:
    """(container, index) of `container[index]`."""
    return node.value, node.slice


def index_offset(index: ast.AST) -> tuple[set[str], bool]:
    """The names an index reads, and whether it is arithmetic (`i + 1`)."""
    names = {n.id for n in ast.walk(index) if isinstance(n, ast.Name)}
    return names, isinstance(index, ast.BinOp)


def assigned_value(source: PythonSource, line: int) -> ast.AST:
    """The value assigned on a line (a `None` constant when nothing is)."""
    for node in source.nodes_on_line(line):
        if isinstance(node, ast.Assign):
            return node.value
    return ast.Constant(value=None)


def is_constant(node: ast.AST, value: object) -> bool:
    return isinstance(node, ast.Constant) and node.value == value


def called_function(node: ast.AST | None) -> str | None:
    """The function name an assignment's value calls (`x = f(...)`, `x = obj.f(...)`)."""
    value = getattr(node, "value", None)
    if isinstance(value, ast.Call):
        func = value.func
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return None


def parameters(func: FunctionNode | None) -> list[str]:
    """Positional parameter names of a function, without self/cls."""
    if func is None:
        return []
    return [a.arg for a in func.args.args if a.arg not in {"self", "cls"}]


def raise_guard(func: FunctionNode | None, line: int) -> ast.If | None:
    """The `if` whose body raises on `line` (the last one when nested)."""
    guard = None
    if func is not None:
        for node in ast.walk(func):
            if isinstance(node, ast.If) and any(
                isinstance(s, ast.Raise) and s.lineno == line for s in node.body
            ):
                guard = node
    return guard


# --- loops -----------------------------------------------------------------------------------
@dataclass
class LoopBound:
    is_for: bool
    is_while: bool
    variable: str | None = None  # the for loop's variable
    sequence: ast.AST | None = None  # x in `range(len(x))` or `range(len(x) + k)`


def loop_bound(loop: ast.AST | None) -> LoopBound:
    """How far a loop runs: `for i in range(len(x))` / `range(len(x) + 1)` / a while loop."""
    if isinstance(loop, ast.For):
        found = LoopBound(True, False)
        found.variable = loop.target.id if isinstance(loop.target, ast.Name) else None
        it = loop.iter
        if isinstance(it, ast.Call) and getattr(it.func, "id", "") == "range" and it.args:
            end = it.args[-1] if len(it.args) > 1 else it.args[0]
            if isinstance(end, ast.Call) and getattr(end.func, "id", "") == "len" and end.args:
                found.sequence = end.args[0]
            elif isinstance(end, ast.BinOp) and isinstance(end.op, ast.Add):
                inner = end.left
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "len":
                    found.sequence = inner.args[0]
        return found
    return LoopBound(False, isinstance(loop, ast.While))


def index_adds(sub: ast.Subscript) -> bool:
    """`x[i + k]`: the index adds to something."""
    return isinstance(sub.slice, ast.BinOp) and isinstance(sub.slice.op, ast.Add)


def loop_test(loop: ast.AST) -> ast.AST | None:
    return getattr(loop, "test", None)


@dataclass
class StuckAssignment:
    node: ast.AST  # `lo = mid`
    line: int
    target: str
    value: ast.AST


@dataclass
class EndlessLoop:
    node: ast.AST  # the while statement
    line: int
    body_line: int  # its first statement
    test: ast.AST
    names: set[str]  # the names its condition reads
    stuck: list[StuckAssignment] = field(default_factory=list)


def endless_loop(source: PythonSource, line: int) -> EndlessLoop | None:
    """The innermost `while` around a line, and the assignments in it that may leave a name its
    condition reads unchanged (`lo = mid` can; `lo = mid + 1` always moves it)."""
    loops = source.loops_at(line)
    loop = next((lp for lp in reversed(loops) if isinstance(lp, ast.While)), None)
    if loop is None:
        return None
    names = {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}
    found = EndlessLoop(loop, loop.lineno, loop.body[0].lineno, loop.test, names)
    for node in ast.walk(loop):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if (
                isinstance(target, ast.Name)
                and target.id in names
                and isinstance(node.value, ast.Name)
            ):
                found.stuck.append(StuckAssignment(node, node.lineno, target.id, node.value))
    return found


# --- recursion -------------------------------------------------------------------------------
@dataclass
class Recursion:
    call: ast.Call | None = None  # the first recursive call
    base: ast.If | None = None  # the first `if` that returns without recursing
    lookups: list[str] = field(default_factory=list)  # module dict tables it subscripts


def first_argument(call: ast.AST | None) -> ast.AST | None:
    """The first positional argument of a call."""
    args = getattr(call, "args", None)
    return args[0] if isinstance(call, ast.Call) and args else None


def recursion(source: PythonSource, func: FunctionNode | None, name: str) -> Recursion:
    found = Recursion()
    if func is None:
        return found
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == name
        ):
            found.call = found.call or node
        if isinstance(node, ast.If) and found.base is None:
            body_calls = [
                c
                for c in ast.walk(node)
                if isinstance(c, ast.Call) and _called_name(c.func) == name
            ]
            if any(isinstance(s, ast.Return) for s in node.body) and not body_calls:
                found.base = node
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and source.module_dict_keys(node.value.id) is not None
        ):
            found.lookups.append(node.value.id)
    return found


# --- what a test calls, and what the code under test compares -----------------------------
def attribute_callees(source: PythonSource, line: int) -> list[str]:
    return [
        n.func.attr
        for n in source.nodes_on_line(line)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]


def callees(source: PythonSource, line: int) -> list[str]:
    """Functions (not builtins) a line calls by name."""
    return [
        n.func.id
        for n in source.nodes_on_line(line)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id not in BUILTIN_CALLS
    ]


def module_constant(source: PythonSource, name: str) -> str | None:
    """repr of a module-level constant `NAME = <literal>`."""
    if source.tree is None:
        return None
    for node in source.tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ):
            return repr(node.value.value)
    return None


@dataclass
class Comparison:
    owner: str  # `Class.method` or `function`
    node: ast.AST
    line: int
    op: str  # > < >= <=
    left: ast.AST
    right: ast.AST
    guards_raise: bool  # it sits in an `if` whose body raises (input validation)


def boundary_comparisons(source: PythonSource, function: str, depth: int = 1) -> list[Comparison]:
    """Single boundary comparisons in `function` and (one level down) in the functions or
    methods it calls that are defined in the same file."""
    found: list[Comparison] = []
    for func in source.functions(function):
        owner = source.qualname(func.lineno, func.name)
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Compare)
                and len(node.ops) == 1
                and type(node.ops[0]) in BOUNDARY_OPS
            ):
                guard = any(
                    isinstance(parent, ast.If)
                    and any(isinstance(stmt, ast.Raise) for stmt in parent.body)
                    for parent in source.ancestors(node)[:2]
                )
                found.append(
                    Comparison(owner, node, node.lineno, BOUNDARY_OPS[type(node.ops[0])],
                               node.left, node.comparators[0], guard)
                )  # fmt: skip
            elif depth and isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name and name != function and source.functions(name):
                    found.extend(boundary_comparisons(source, name, depth - 1))
    return found


def value_returns(func: FunctionNode) -> list[tuple[int, ast.AST]]:
    """(line, value) of each `return <value>` in a function."""
    return [
        (n.lineno, n.value)
        for n in ast.walk(func)
        if isinstance(n, ast.Return) and n.value is not None
    ]


def self_mutations(func: FunctionNode) -> dict[str, int]:
    """self attributes a method changes -> first line (assignment, augmented, or a mutating call)."""
    found: dict[str, int] = {}
    for node in ast.walk(func):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
        ):
            targets = [node.func.value]
        for target in targets:
            while isinstance(target, ast.Subscript):
                target = target.value
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                found.setdefault(target.attr, getattr(node, "lineno", func.lineno))
    return found


@dataclass
class ClassMethods:
    name: str
    methods: dict[str, tuple[FunctionNode, dict[str, int]]]  # name -> (node, self mutations)


def classes_with_mutations(source: PythonSource) -> list[ClassMethods]:
    """Every class of a file with its public methods and the self attributes each changes."""
    if source.tree is None:
        return []
    return [
        ClassMethods(
            cls.name,
            {
                m.name: (m, self_mutations(m))
                for m in cls.body
                if isinstance(m, ast.FunctionDef) and not m.name.startswith("__")
            },
        )
        for cls in (n for n in ast.walk(source.tree) if isinstance(n, ast.ClassDef))
    ]


def last_statement_line(func: FunctionNode) -> int:
    return func.body[-1].lineno


def first_statement_line(func: FunctionNode | None, default: int) -> int:
    return func.body[0].lineno if func is not None and func.body else default


@dataclass
class Transition:
    key: ast.Tuple  # ("idle", "insert")
    value: ast.Constant  # "collecting"
    result: object  # the value's constant
    strings: list[str]  # the key's string constants


def transition_tables(source: PythonSource) -> list[tuple[str, list[Transition]]]:
    """Module-level dicts keyed by tuples of constants: `{("idle", "insert"): "collecting"}`."""
    if source.tree is None:
        return []
    tables = []
    for node in source.tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if (
            isinstance(value, ast.Dict)
            and value.keys
            and all(
                isinstance(k, ast.Tuple) and all(isinstance(e, ast.Constant) for e in k.elts)
                for k in value.keys
            )
        ):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target  # type: ignore[attr-defined]
            entries = []
            for key, item in zip(value.keys, value.values, strict=True):
                if not isinstance(key, ast.Tuple) or not isinstance(item, ast.Constant):
                    continue
                strings = [
                    e.value
                    for e in key.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                ]
                entries.append(Transition(key, item, item.value, strings))
            tables.append((source.segment(target), entries))
    return tables
