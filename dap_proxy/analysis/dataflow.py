"""On-demand data flow inside one function (brief: "data flow breakpoints"): definitions and uses
of each name, the names bound at a line, and backward slices through data and control
dependence. Computed per function on first use from the tree kept by the whole-file pass, and
cached on the `FileAnalysis`. Flow-insensitive where that is cheap and safe (documented below)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import tree_sitter as ts
from pydantic import BaseModel, Field

from dap_proxy.analysis.facts import FUNCTION_TYPES
from dap_proxy.analysis.flowwalk import (
    BindingsWalker,
    FunctionFlow,
    WalkDef,
    Walker,
    parameter_names,
    parameters_node,
)
from dap_proxy.analysis.languages import PYTHON
from dap_proxy.analysis.models import DEFERRED_BUILD, FileAnalysis, FunctionInfo


class DefUseChain(BaseModel):
    """One definition of a name and the later lines that may read that value."""

    model_config = DEFERRED_BUILD

    name: str
    def_line: int
    use_lines: list[int] = Field(default_factory=list)


class DefUse(BaseModel):
    """Definitions and uses of every name in one function (lines are statement start lines)."""

    model_config = DEFERRED_BUILD

    function: str
    parameters: list[str] = Field(default_factory=list)
    definitions: dict[str, list[int]] = Field(default_factory=dict)
    uses: dict[str, list[int]] = Field(default_factory=dict)
    chains: list[DefUseChain] = Field(default_factory=list)
    free_names: list[str] = Field(default_factory=list)  # read here, bound outside (closure/global)
    declared_global: list[str] = Field(default_factory=list)


# --- function lookup and caching ----------------------------------------------------------------
def function_at(analysis: FileAnalysis, line: int, name: str | None = None) -> FunctionInfo | None:
    """The function whose code runs at `line` (1-based), or None at module level: the
    innermost one that starts on an earlier line. A function starting on `line` itself wins
    only when nothing else contains the line (a one-line `def`): a callback written inline
    (`items.map(x => ...)`) shares its line with the statement around it, and a `def` line
    runs in the enclosing scope. `name` (a frame's function name) picks among candidates."""
    if name is None:  # probes ask this for every line they consider: once per line
        key = ("at", line)
        if key not in analysis.memo:
            analysis.memo[key] = _function_at(analysis, line, None)
        cached: FunctionInfo | None = analysis.memo[key]
        return cached
    return _function_at(analysis, line, name)


def _function_at(analysis: FileAnalysis, line: int, name: str | None) -> FunctionInfo | None:
    if not name:
        return _innermost_at(analysis, line)
    containing = [f for f in analysis.functions if f.start_line <= line <= f.end_line]
    if not containing:
        return None
    if name:
        named = [
            f for f in containing if name in (f.name, f.qualname) or f.qualname.endswith("." + name)
        ]
        if named:
            return max(named, key=lambda f: (f.start_line, -f.end_line))
    earlier = [f for f in containing if f.start_line < line]
    pool = earlier or containing
    return max(pool, key=lambda f: (f.start_line, -f.end_line))


def _innermost_at(analysis: FileAnalysis, line: int) -> FunctionInfo | None:
    """`_function_at` without a name, by bisection over the functions by first line rather
    than a pass over all of them: the latest-starting function before `line` that contains it
    (the shortest of those starting there, the first listed on a tie), else the shortest one
    starting on `line`."""
    functions = analysis.functions
    table: tuple[list[int], list[int]] | None = analysis.memo.get("functions_by_start")
    if table is None:
        order = sorted(range(len(functions)), key=lambda i: functions[i].start_line)
        table = (order, [functions[i].start_line for i in order])
        analysis.memo["functions_by_start"] = table
    order, starts = table
    position = bisect_left(starts, line)
    for k in range(position - 1, -1, -1):
        if functions[order[k]].end_line >= line:  # the latest start before `line` that holds it
            first = bisect_left(starts, starts[k])
            pool = [i for i in order[first : k + 1] if functions[i].end_line >= line]
            return functions[min(pool, key=lambda i: (functions[i].end_line, i))]
    pool = [
        i for i in order[position : bisect_right(starts, line)] if functions[i].end_line >= line
    ]
    return functions[min(pool, key=lambda i: (functions[i].end_line, i))] if pool else None


def find_function(
    analysis: FileAnalysis, name: str, line: int | None = None
) -> FunctionInfo | None:
    """A function by qualified or plain name (the one containing `line` when ambiguous)."""
    found = [f for f in analysis.functions if name in (f.qualname, f.name)]
    if line is not None:
        containing = [f for f in found if f.start_line <= line <= f.end_line]
        found = containing or found
    return found[-1] if found else None


def _function_node(analysis: FileAnalysis, function: FunctionInfo) -> ts.Node | None:
    """The function's node in the analysis's tree, found again from its byte span."""
    positions: dict[int, int] | None = analysis.memo.get("function_positions")
    if positions is None:  # each function's first position, by identity: once per analysis
        positions = {}
        for i, f in enumerate(analysis.functions):
            positions.setdefault(id(f), i)
        analysis.memo["function_positions"] = positions
    index = positions.get(id(function))
    if index is None:
        try:
            index = analysis.functions.index(function)
        except ValueError:
            return None
    spans = analysis._function_spans
    if analysis._tree is None or index >= len(spans):
        return None
    start, end = spans[index]
    node = analysis._tree.root_node.descendant_for_byte_range(start, end)
    if node is None or node.type not in FUNCTION_TYPES:
        return None
    return node


def flow_key(function: FunctionInfo | None) -> tuple[str, str | None, int]:
    """The memo key of the data flow of a function, or of the module body."""
    return ("flow", function.qualname, function.start_line) if function else ("flow", None, 0)


def flow_of(analysis: FileAnalysis, function: FunctionInfo | None) -> FunctionFlow:
    """The (cached) data flow of a function, or of the module body when `function` is None."""
    key = flow_key(function)
    cached = analysis.memo.get(key)
    if cached is not None:
        return cached
    if function is None:
        flow = _walk_module(analysis, Walker)
    else:
        flow = FunctionFlow(function.qualname, function.start_line, function.end_line)
        node = _function_node(analysis, function)
        if node is not None:
            _walk_function(flow, node, analysis.language == PYTHON, analysis._source)
    analysis.memo[key] = flow
    return flow


def _walk_module(analysis: FileAnalysis, walker_class: type[Walker]) -> FunctionFlow:
    flow = FunctionFlow("<module>", 1, max(analysis.line_count, 1))
    if analysis._tree is not None:
        walker = walker_class(flow, analysis.language == PYTHON, analysis._source)
        for statement in analysis._tree.root_node.named_children:
            walker.visit(statement)
    return flow


def parameters_of(analysis: FileAnalysis, function: FunctionInfo) -> list[str]:
    """`flow_of(analysis, function).parameters`, without walking the body when the flow is
    not at hand (an entry probe needs only these)."""
    flow: FunctionFlow | None = analysis.memo.get(flow_key(function))
    if flow is not None:
        return flow.parameters
    key = ("parameters", function.qualname, function.start_line)
    found: list[str] | None = analysis.memo.get(key)
    if found is None:
        node = _function_node(analysis, function)
        params = parameters_node(node) if node is not None else None
        python = analysis.language == PYTHON
        found = analysis.memo[key] = parameter_names(params, python) if params is not None else []
    return found


def _walk_function(flow: FunctionFlow, node: ts.Node, python: bool, source: bytes) -> None:
    params = parameters_node(node)
    walker = Walker(flow, python, source)
    if params is not None:
        flow.parameters = parameter_names(params, python)
        for child in params.named_children:  # defaults and annotations read outer names
            value = child.child_by_field_name("value") or child.child_by_field_name("right")
            if value is not None:
                walker.visit(value)
        for name in flow.parameters:
            flow.defs.append(WalkDef(name, flow.start_line, (), True))
    body = node.child_by_field_name("body")
    if body is None:
        return
    if body.type in ("block", "statement_block"):
        walker.block(body)
    else:  # an arrow function with an expression body
        walker.statement_line(body)
        walker.visit(body)


# --- public queries -----------------------------------------------------------------------------
def def_use(analysis: FileAnalysis, function: FunctionInfo | str) -> DefUse:
    """Definitions and uses of each name in `function` (a `FunctionInfo` or its name), with
    reaching-definition chains (approximate: a definition reaches a later use unless a
    rebinding in the same or an enclosing block comes between; loops add back edges)."""
    info = find_function(analysis, function) if isinstance(function, str) else function
    if info is None:
        raise KeyError(f"no function named {function!r} in {analysis.path}")
    flow = flow_of(analysis, info)
    definitions: dict[str, list[int]] = {}
    for d in flow.defs:
        definitions.setdefault(d.name, [])
        if d.line not in definitions[d.name]:
            definitions[d.name].append(d.line)
    uses: dict[str, list[int]] = {}
    for line, names in sorted(flow.uses.items()):
        for name in names:
            uses.setdefault(name, []).append(line)
    chains: list[DefUseChain] = []
    for d in flow.defs:
        reached = [u for u in uses.get(d.name, []) if d in _reaching(flow, d.name, u)]
        chains.append(DefUseChain(name=d.name, def_line=d.line, use_lines=reached))
    free = sorted(set(uses) - set(definitions))
    return DefUse(
        function=info.qualname,
        parameters=list(flow.parameters),
        definitions={k: sorted(v) for k, v in definitions.items()},
        uses=uses,
        chains=chains,
        free_names=free,
        declared_global=sorted(flow.declared_global),
    )


def _is_prefix(outer: tuple[int, ...], inner: tuple[int, ...]) -> bool:
    return inner[: len(outer)] == outer


def _reaching(flow: FunctionFlow, name: str, line: int) -> list[WalkDef]:
    """Definitions of `name` that may reach a read at `line`."""
    before = [d for d in flow.defs if d.name == name and d.line < line]
    controls = flow.controls.get(line, ())
    # The latest strong definition on every path to `line` kills the ones before it.
    killer = None
    for d in reversed(before):
        if d.strong and _is_prefix(d.controls, controls):
            killer = d
            break
    reaching = [d for d in before if killer is None or d.line >= killer.line]
    # Back edges: a definition later in a loop that contains `line` reaches it next iteration.
    for _header, start, end in flow.loops:
        if start <= line <= end:
            reaching.extend(d for d in flow.defs if d.name == name and line <= d.line <= end)
    return reaching


def _module_bindings(analysis: FileAnalysis) -> FunctionFlow:
    """What the module body binds (its defs and code names, not its reads): the module's flow
    when it is at hand, else a walk that skips reading values (`BindingsWalker`)."""
    full: FunctionFlow | None = analysis.memo.get(flow_key(None))
    if full is not None:
        return full
    found: FunctionFlow | None = analysis.memo.get("module_bindings")
    if found is None:
        found = analysis.memo["module_bindings"] = _walk_module(analysis, BindingsWalker)
    return found


def _module_names(analysis: FileAnalysis) -> frozenset[str]:
    found: frozenset[str] | None = analysis.memo.get("module_names")
    if found is None:
        found = frozenset(d.name for d in _module_bindings(analysis).defs if d.strong)
        analysis.memo["module_names"] = found
    return found


def code_names(analysis: FileAnalysis, line: int) -> set[str]:
    """Names bound at `line` to modules, functions and classes (imports, def, class): in scope,
    but not data worth printing."""
    return set(frozen_code_names(analysis, line))


def frozen_code_names(analysis: FileAnalysis, line: int) -> frozenset[str]:
    """`code_names`, the cached set itself (not to be changed)."""
    function = function_at(analysis, line)
    key = (
        "code_names",
        function.qualname if function else None,
        function.start_line if function else 0,
    )
    found: frozenset[str] | None = analysis.memo.get(key)
    if found is None:
        names = set(_module_bindings(analysis).code_names)
        if function is not None:
            for outer in [*_enclosing_functions(analysis, function), function]:
                names.update(flow_of(analysis, outer).code_names)
        found = frozenset(names)
        analysis.memo[key] = found
    return found


def _enclosing_functions(analysis: FileAnalysis, function: FunctionInfo) -> list[FunctionInfo]:
    key = ("enclosing", function.qualname, function.start_line)
    found: list[FunctionInfo] | None = analysis.memo.get(key)
    if found is None:
        found = [
            f
            for f in analysis.functions
            if f is not function
            and f.start_line <= function.start_line
            and function.end_line <= f.end_line
            and f.qualname != function.qualname
        ]
        analysis.memo[key] = found
    return found


def _outer_names(analysis: FileAnalysis, function: FunctionInfo) -> frozenset[str]:
    """Names defined by the functions around `function` (closures), once per function."""
    key = ("outer_names", function.qualname, function.start_line)
    found: frozenset[str] | None = analysis.memo.get(key)
    if found is None:
        found = frozenset(
            d.name for outer in _enclosing_functions(analysis, function)
            for d in flow_of(analysis, outer).defs
        )  # fmt: skip
        analysis.memo[key] = found
    return found


def names_in_scope(analysis: FileAnalysis, line: int) -> set[str]:
    """Names that may be bound when `line` is about to run: the function's parameters, its
    locals assigned on an earlier line (or the loop/handler variable of a loop/handler that
    contains the line), enclosing functions' names (closures) and module-level names. Python
    builtins are not included."""
    function = function_at(analysis, line)
    names = set(_module_names(analysis)) if analysis.language == PYTHON or function else set()
    if function is None:
        return _defined_before(flow_of(analysis, None), line)
    names.update(_outer_names(analysis, function))
    flow = flow_of(analysis, function)
    names.update(flow.parameters)
    names.update(_defined_before(flow, line))
    names.difference_update(flow.declared_global - _module_names(analysis))
    return names


def _defined_before(flow: FunctionFlow, line: int) -> set[str]:
    """The flow's names first defined on a line before `line` (what `ScopeTest` asks of
    `first_lines` one name at a time)."""
    return {name for name, first in flow.first_lines().items() if first < line}


class ScopeTest:
    """`name in names_in_scope(analysis, line)` without building that set (a module's names
    can be hundreds, and a probe asks about a few). A local is in scope when its first
    definition comes before `line`."""

    __slots__ = ("first_lines", "hidden", "line", "outer", "parameters", "shared")

    def __init__(
        self,
        first_lines: dict[str, int],
        line: int,
        shared: frozenset[str] = frozenset(),
        outer: frozenset[str] = frozenset(),
        parameters: frozenset[str] = frozenset(),
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        self.first_lines, self.line = first_lines, line
        self.shared, self.outer = shared, outer
        self.parameters, self.hidden = parameters, hidden

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return (
            self.first_lines.get(name, self.line) < self.line
            or name in self.parameters
            or name in self.outer
            or name in self.shared
        ) and name not in self.hidden


def scope_test(analysis: FileAnalysis, line: int) -> ScopeTest:
    """`names_in_scope(analysis, line)` as a membership test (the same answers)."""
    function = function_at(analysis, line)
    if function is None:
        return ScopeTest(flow_of(analysis, None).first_lines(), line)
    module = _module_names(analysis)
    flow = flow_of(analysis, function)
    return ScopeTest(
        flow.first_lines(),
        line,
        module,
        _outer_names(analysis, function),
        frozenset(flow.parameters),
        frozenset(flow.declared_global - module),
    )


def bound_names(analysis: FileAnalysis, line: int) -> set[str]:
    """The stricter set: local names *certainly* bound at `line` (parameters, and locals whose
    assignment comes earlier in the same or an enclosing block), plus closure and module names.
    Conditions use this set, because a condition that raises pauses the program."""
    function = function_at(analysis, line)
    if function is None:
        flow = flow_of(analysis, None)
        controls = flow.controls.get(line, ())
        return {d.name for d in flow.defs if d.line < line and _is_prefix(d.controls, controls)}
    names = set(_module_names(analysis))
    names.update(_outer_names(analysis, function))
    flow = flow_of(analysis, function)
    local = {d.name for d in flow.defs}
    names.difference_update(local)  # a local shadows the outer name and may still be unbound
    names.update(flow.parameters)
    controls = flow.controls.get(line, ())
    for d in flow.defs:
        if d.strong and d.line < line and _is_prefix(d.controls, controls):
            names.add(d.name)
    return names


def uses_at(analysis: FileAnalysis, line: int) -> list[str]:
    """Names read by the statement starting at `line`, in a stable order."""
    flow = flow_of(analysis, function_at(analysis, line))
    return sorted(flow.uses.get(line, set()))


def backward_slice(analysis: FileAnalysis, line: int, variable: str | None = None) -> list[int]:
    """Lines (statement start lines, ascending) of the same function that could have affected
    the values read at `line` (only `variable`'s, when given) through data dependence (reaching
    definitions, transitively) and control dependence (the branch and loop headers, and early
    exits, that decide whether a line runs). `line` itself is included. A parameter reached on
    the way adds the function's first line."""
    function = function_at(analysis, line)
    flow = flow_of(analysis, function)
    statement = _statement_line(flow, line)
    result: set[int] = {statement}
    seeds = sorted(flow.uses.get(statement, set()))
    if variable is not None:
        seeds = [variable]
    work: list[tuple[str, int]] = [(name, statement) for name in seeds]
    pending_lines: list[int] = list(flow.controls.get(statement, ()))
    seen: set[tuple[str, int]] = set()
    while work or pending_lines:
        while pending_lines:
            header = pending_lines.pop()
            if header in result:
                continue
            result.add(header)
            work.extend((name, header) for name in flow.uses.get(header, ()))
            pending_lines.extend(flow.controls.get(header, ()))
        if not work:
            break
        name, at = work.pop()
        if (name, at) in seen:
            continue
        seen.add((name, at))
        for d in _reaching(flow, name, at):
            if d.line in result:
                continue
            result.add(d.line)
            work.extend((used, d.line) for used in flow.uses.get(d.line, ()))
            pending_lines.extend(d.controls)
            pending_lines.extend(flow.controls.get(d.line, ()))
    return sorted(line for line in result if flow.start_line <= line <= flow.end_line)


def _statement_line(flow: FunctionFlow, line: int) -> int:
    """The start line of the statement that contains `line` (for a continuation line)."""
    if line in flow.controls or line in flow.uses:
        return line
    candidates = [n for n in flow.controls if n <= line]
    return max(candidates) if candidates else line
