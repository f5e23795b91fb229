"""The whole-file pass (brief: "critical path analysis"): run the language's one combined query
once over a parsed tree and turn its captures into `Fact`s and the function table. Only what the
query gives cheaply is computed here; data flow is on demand (`dataflow.py`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import tree_sitter as ts

from dap_proxy.analysis.boundaries import BoundaryConfig
from dap_proxy.analysis.languages import PYTHON, captures, facts_query
from dap_proxy.analysis.models import Fact, FactKind, FunctionInfo
from dap_proxy.analysis.nodes import (
    Lines,
    ecma_body_line,
    ecma_import,
    ecma_require,
    identifiers,
    new_function,
    node_text,
    python_body_line,
    python_imports,
    syntax_error_lines,
)
from dap_proxy.analysis.pending import RECORD_LINES, PendingFacts, Record

_K = FactKind

# capture name -> (fact kind, reason). Captures not listed here feed the function table, the
# call classification or the import map.
CAPTURE_FACTS: dict[str, tuple[FactKind, str]] = {
    "entry.main": (_K.ENTRY, 'if __name__ == "__main__" block'),
    "decision.if": (_K.DECISION, "if condition"),
    "decision.elif": (_K.DECISION, "elif condition"),
    "decision.else": (_K.DECISION, "else branch"),
    "decision.match": (_K.DECISION, "match subject"),
    "decision.switch": (_K.DECISION, "switch value"),
    "decision.case": (_K.DECISION, "case branch"),
    "decision.ternary": (_K.DECISION, "conditional expression"),
    "decision.loop_condition": (_K.DECISION, "loop condition"),
    "decision.short_circuit": (_K.DECISION, "boolean short-circuit"),
    "decision.early_return": (_K.DECISION, "early return"),
    "loop.for": (_K.LOOP, "for loop"),
    "loop.for_in": (_K.LOOP, "for-in/of loop"),
    "loop.while": (_K.LOOP, "while loop"),
    "loop.do": (_K.LOOP, "do-while loop"),
    "loop.comprehension": (_K.LOOP, "comprehension"),
    "mutation.attribute": (_K.MUTATION, "attribute assignment"),
    "mutation.subscript": (_K.MUTATION, "item assignment"),
    "mutation.unpacked": (_K.MUTATION, "attribute/item assignment by unpacking"),
    "mutation.augmented": (_K.MUTATION, "augmented assignment"),
    "mutation.update": (_K.MUTATION, "increment/decrement"),
    "mutation.delete": (_K.MUTATION, "deletion"),
    "mutation.method": (_K.MUTATION, "mutating call"),
    "error.try": (_K.ERROR_HANDLING, "try block"),
    "error.except": (_K.ERROR_HANDLING, "except handler"),
    "error.catch": (_K.ERROR_HANDLING, "catch handler"),
    "error.finally": (_K.ERROR_HANDLING, "finally block"),
    "error.raise": (_K.ERROR_HANDLING, "raise"),
    "error.throw": (_K.ERROR_HANDLING, "throw"),
    "error.assert": (_K.ERROR_HANDLING, "assertion"),
    "error.return": (_K.ERROR_HANDLING, "error return (return inside a handler)"),
    "error.promise_catch": (_K.ERROR_HANDLING, "promise rejection handler"),
    "return.statement": (_K.RETURN, "return"),
    "arithmetic.division": (_K.ARITHMETIC, "division or modulo (divisor may be zero)"),
    "arithmetic.offset": (_K.ARITHMETIC, "+/- constant offset (off-by-one candidate)"),
}
# Captures whose `names` are worth the regex: the identifiers a condition or a target reads.
_NAMED_CAPTURES = {
    "decision.if",
    "decision.elif",
    "decision.match",
    "decision.switch",
    "decision.ternary",
    "decision.loop_condition",
    "decision.short_circuit",
    "mutation.attribute",
    "mutation.subscript",
    "mutation.unpacked",
    "mutation.augmented",
    "mutation.update",
    "mutation.delete",
    "arithmetic.division",
    "arithmetic.offset",
}
_STRING_START = re.compile(rb"[rRbBfFuU]{0,2}[\"'`]")
_HANDLER_DECORATOR = re.compile(
    r"route|\.(get|post|put|patch|delete|head|options|websocket)\b|handler|listen|"
    r"subscribe|\.on\b|\.on_|command|task|callback|receiver|event|hook",
    re.IGNORECASE,
)
_DOTTED = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$")
_SELF_BYTES = {b"self", b"cls", b"this"}
_NO_NAMES: list[str] = []  # shared by the records of facts that name nothing (each fact copies)
# Methods that change their receiver, by language family (matched on the callee's last name).
MUTATING_METHODS = {
    True: {
        b"append",
        b"extend",
        b"insert",
        b"pop",
        b"popitem",
        b"remove",
        b"clear",
        b"update",
        b"setdefault",
        b"add",
        b"discard",
        b"sort",
        b"reverse",
        b"appendleft",
        b"popleft",
        b"extendleft",
        b"rotate",
        b"__setitem__",
        b"__delitem__",
        b"write",
        b"writelines",
    },
    False: {
        b"push",
        b"pop",
        b"shift",
        b"unshift",
        b"splice",
        b"sort",
        b"reverse",
        b"fill",
        b"copyWithin",
        b"set",
        b"delete",
        b"add",
        b"clear",
        b"assign",
        b"setItem",
        b"removeItem",
        b"write",
    },
}
_HANDLER_NAME = re.compile(r"^(on_|on[A-Z]|handle|do_[A-Z]+$)")
_JS_TEST_CALLEES = {"it", "test", "specify", "it.only", "test.only", "it.each", "test.each"}
_JS_HANDLER_METHODS = {
    "on",
    "once",
    "addEventListener",
    "addListener",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "all",
    "use",
    "handle",
    "subscribe",
    "listen",
    "route",
}


@dataclass
class _Scope:
    """A function or class while the table is being built."""

    node: ts.Node
    name: str
    start: int
    end: int
    is_class: bool = False
    kind: str = "function"
    reason: str = ""
    in_class: bool = False
    external: bool = False  # an ancestor of a reanalysed region: context only, no output
    parent: int = -1
    qualname: str = ""


@dataclass
class PassResult:
    pending: PendingFacts  # the facts, built when read
    functions: list[FunctionInfo]
    syntax_error_lines: list[int]
    # Each function's byte span, in `functions` order (to find its node again on demand).
    function_spans: list[tuple[int, int]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def facts(self) -> list[Fact]:
        return self.pending.all()


_config_cache: dict[int, tuple[BoundaryConfig, frozenset[bytes], frozenset[bytes]]] = {}


def _config_bytes(config: BoundaryConfig) -> tuple[frozenset[bytes], frozenset[bytes]]:
    """A boundary table's call names and callee roots as bytes, computed once per table."""
    cached = _config_cache.get(id(config))
    if cached is None or cached[0] is not config:
        calls = frozenset(k.encode() for k in config.calls)
        roots = frozenset(k.encode() for k in config.modules) | frozenset(
            k.encode().partition(b".")[0] for k in config.calls if "." in k
        )
        if len(_config_cache) > 64:  # per-call tables (analyze_source(boundaries=...))
            _config_cache.clear()
        cached = _config_cache[id(config)] = (config, calls, roots)
    return cached[1], cached[2]


class _Builder:
    """Collects one file's captures, then resolves functions, calls and facts in one sweep."""

    def __init__(
        self, root: ts.Node, source: bytes, path: str, language: str, boundaries: BoundaryConfig
    ) -> None:
        self.root = root
        self.path = path
        self.language = language
        self.is_python = language == PYTHON
        self.boundaries = boundaries
        self.source = source
        self.lines = Lines(source)
        self.scopes: dict[int, _Scope] = {}
        self.decorators: dict[int, list[str]] = {}
        self.items: list[tuple[str, list[ts.Node]]] = []
        self.call_functions: list[ts.Node] = []
        self.call_members: list[ts.Node] = []
        self.call_self: list[ts.Node] = []
        self.aliases: dict[str, str] = {}
        self.declared_global: list[ts.Node] = []

    # --- collection -------------------------------------------------------------------------
    def collect(self, captures: dict[str, list[ts.Node]]) -> None:
        """Sort one `QueryCursor.captures` result into scopes, imports, calls and fact items
        (`captures` rather than `matches`: one list per capture name is far fewer objects)."""
        for node in captures.get("class.def", ()):
            name = node.child_by_field_name("name")
            label = node_text(name) if name is not None else f"<class@{node.start_point.row + 1}>"
            self._add_scope(node, label, "class", is_class=True)
        if self.is_python:
            source = self.source
            scopes = self.scopes
            for node in captures.get("function.def", ()):
                name = node.child_by_field_name("name")
                label = (
                    source[name.start_byte : name.end_byte].decode("utf-8", "replace")
                    if name is not None
                    else "?"
                )
                start = node.start_byte
                scopes[start] = _Scope(node, label, start, node.end_byte)
            for node in captures.get("function.decorator", ()):
                parent = node.parent
                target = parent.child_by_field_name("definition") if parent else None
                if target is not None:
                    self.decorators.setdefault(target.start_byte, []).append(node_text(node))
            for node in captures.get("import.statement", ()):
                python_imports(node, self.aliases)
        else:
            for node in captures.get("function.def", ()):
                self._add_ecma_function(node)
            for node in captures.get("import.statement", ()):
                ecma_import(node, self.aliases)
            for node in captures.get("import.require", ()):
                ecma_require(node, self.aliases)
        self.call_functions = captures.get("call.function", [])
        self.call_members = captures.get("call.member", [])
        self.call_self = captures.get("call.self_method", [])
        self.declared_global = captures.get("scope.global", []) + captures.get("scope.nonlocal", [])
        for capture, nodes in captures.items():
            if capture in CAPTURE_FACTS:
                self.items.append((capture, nodes))

    def _add_scope(self, node: ts.Node, name: str, kind: str, is_class: bool = False) -> None:
        self.scopes[node.start_byte] = _Scope(
            node, name, node.start_byte, node.end_byte, is_class=is_class, kind=kind
        )

    def _add_ecma_function(self, node: ts.Node) -> None:
        """Name a JavaScript function from itself or its parent (`const f = () => ...`,
        `obj.f = function ...`, `{f: ...}`), and recognise test and handler callbacks."""
        line = node.start_point.row + 1
        name_node = node.child_by_field_name("name")
        kind = "method" if node.type == "method_definition" else "function"
        parent = node.parent
        if name_node is None and parent is not None:
            ptype = parent.type
            if ptype == "variable_declarator":
                name_node = parent.child_by_field_name("name")
            elif ptype == "assignment_expression":
                name_node = parent.child_by_field_name("left")
            elif ptype == "pair":
                name_node = parent.child_by_field_name("key")
            elif ptype == "arguments" and parent.parent is not None:
                callee = parent.parent.child_by_field_name("function")
                if callee is not None:
                    self._add_callback(node, callee, parent)
                    return
        if name_node is not None:
            self._add_scope(node, node_text(name_node), kind)
        else:
            self._add_scope(node, f"<anonymous@{line}>", "anonymous")

    def _add_callback(self, node: ts.Node, callee: ts.Node, arguments: ts.Node) -> None:
        callee_text = node_text(callee)
        method = callee_text.rsplit(".", 1)[-1]
        label = ""
        first = arguments.named_children[0] if arguments.named_child_count else None
        if first is not None and first.type in ("string", "template_string"):
            label = node_text(first).strip("'\"`")
        line = node.start_point.row + 1
        if callee_text in _JS_TEST_CALLEES:
            self._add_scope(node, label or f"test@{line}", "test")
        elif method in _JS_HANDLER_METHODS:
            name = f"{callee_text}({label!r})" if label else f"{callee_text}@{line}"
            self._add_scope(node, name, "handler")
        else:
            self._add_scope(node, f"{callee_text}-callback@{line}", "callback")

    # --- resolution -------------------------------------------------------------------------
    def build(self) -> PassResult:
        # Keyed by start byte, so sorting the keys orders scopes outer-first without a key
        # function (two scopes never start at the same byte).
        ordered = [self.scopes[start] for start in sorted(self.scopes)]
        stack: list[int] = []
        for index, scope in enumerate(ordered):
            while stack and ordered[stack[-1]].end <= scope.start:
                stack.pop()
            scope.parent = stack[-1] if stack else -1
            parent = ordered[scope.parent] if stack else None
            scope.qualname = f"{parent.qualname}.{scope.name}" if parent else scope.name
            scope.in_class = parent is not None and parent.is_class
            stack.append(index)
        self.ordered = ordered
        self.starts = [s.start for s in ordered]
        # Indexed by `enclosing()`, whose -1 (module level) picks the trailing None.
        self.qualnames: list[str | None] = [s.qualname for s in ordered] + [None]
        facts: list[Record] = []
        functions, function_nodes = self._functions(facts)
        for name, captured in self.items:
            self._facts_for(facts, name, captured)
        self._classify_calls(facts)
        self._global_mutations(facts)
        facts.sort(key=RECORD_LINES)
        spans = [(node.start_byte, node.end_byte) for node in function_nodes]
        pending = PendingFacts(facts, self.source, self.path, self.lines)
        return PassResult(pending, functions, syntax_error_lines(self.root), spans, self.aliases)

    def enclosing(self, byte: int, functions_only: bool = True) -> int:
        """Index in `ordered` of the innermost function (or class) containing `byte`, or -1.
        Scopes nest properly, so a scope that ends before `byte` has the answer among its
        ancestors."""
        index = bisect_right(self.starts, byte) - 1
        while index >= 0:
            scope = self.ordered[index]
            if scope.end > byte and not (functions_only and scope.is_class):
                return index
            index = scope.parent
        return -1

    def _functions(self, facts: list[Record]) -> tuple[list[FunctionInfo], list[ts.Node]]:
        functions: list[FunctionInfo] = []
        nodes: list[ts.Node] = []
        for scope in self.ordered:
            if scope.is_class or scope.external:
                continue
            node = scope.node
            parent = self.ordered[scope.parent] if scope.parent >= 0 else None
            kind, reason = self._entry_kind(scope, parent)
            scope.kind = kind
            start = node.start_point[0] + 1
            end = node.end_point[0] + 1
            is_async = self.source.startswith(b"async", node.start_byte)
            body_line = python_body_line(node) if self.is_python else ecma_body_line(node)
            functions.append(
                new_function(
                    name=scope.name,
                    qualname=scope.qualname,
                    start_line=start,
                    end_line=end,
                    body_line=body_line,
                    kind=kind,
                    reason=reason,
                    is_async=is_async,
                )
            )
            nodes.append(node)
            if kind not in ("anonymous", "callback"):
                outer = scope.parent
                while outer >= 0 and self.ordered[outer].is_class:
                    outer = self.ordered[outer].parent
                function = self.ordered[outer].qualname if outer >= 0 else None
                facts.append(
                    (
                        start,
                        end,
                        _K.ENTRY,
                        reason,
                        function,
                        _NO_NAMES,
                        start - 1,
                        node.start_byte,
                        0,
                    )
                )
        return functions, nodes

    def _entry_kind(self, scope: _Scope, parent: _Scope | None) -> tuple[str, str]:
        name = scope.name
        in_class = parent is not None and parent.is_class
        decorators = self.decorators.get(scope.start, [])
        if scope.kind in ("test", "handler", "callback", "anonymous"):
            label = {"test": "test", "handler": "handler", "callback": "callback"}
            return scope.kind, f"{label.get(scope.kind, 'anonymous function')} {name}"
        if name.startswith("test") and (
            name.startswith("test_") or (in_class and parent and parent.name.startswith("Test"))
        ):
            return "test", f"test function {scope.qualname}"
        for text in decorators:
            if _HANDLER_DECORATOR.search(text):
                return "handler", f"handler {scope.qualname} ({text.splitlines()[0]})"
        if _HANDLER_NAME.match(name):
            return "handler", f"handler {scope.qualname}"
        if in_class or scope.kind == "method":
            return "method", f"method {scope.qualname}"
        return "function", f"function {scope.qualname}"

    def _facts_for(self, facts: list[Record], capture: str, nodes: list[ts.Node]) -> None:
        """Records for every node of one capture (constants hoisted: this loop is the hot path
        of the whole-repository pass)."""
        kind, reason = CAPTURE_FACTS[capture]
        named = capture in _NAMED_CAPTURES
        main_check = capture == "decision.if" and self.is_python
        division = capture == "arithmetic.division"
        starts = self.starts
        ordered = self.ordered
        qualnames = self.qualnames
        source = self.source
        string_start = _STRING_START.match
        append = facts.append
        names = None if named else _NO_NAMES  # None: the identifiers of the node's code
        for node in nodes:
            start = node.start_point[0]
            byte = node.start_byte
            end_byte = node.end_byte
            if named:
                if division and string_start(source, byte):
                    continue  # `"%s" % x` formats a string: no divisor
                if (
                    main_check
                    and source.startswith(b"__name__", byte)
                    and source.find(b"__main__", byte, end_byte) >= 0
                ):
                    self._main_block(facts, node)
            # `enclosing()` inlined: the innermost loop of the whole pass.
            index = bisect_right(starts, byte) - 1
            while index >= 0:
                scope = ordered[index]
                if scope.end > byte and not scope.is_class:
                    break
                index = scope.parent
            append(
                (
                    start + 1,
                    node.end_point[0] + 1,
                    kind,
                    reason,
                    qualnames[index],
                    names,
                    start,
                    byte,
                    end_byte,
                )
            )

    def _main_block(self, facts: list[Record], condition: ts.Node) -> None:
        """`if __name__ == "__main__":` at module level is an entry point."""
        statement = condition.parent
        if statement is None or self.enclosing(statement.start_byte) >= 0:
            return
        compact = (condition.text or b"").replace(b" ", b"").replace(b"'", b'"')
        if compact not in (b'__name__=="__main__"', b'"__main__"==__name__'):
            return
        self._fact(facts, "entry.main", statement, 'if __name__ == "__main__" block', [])

    def _fact(
        self, facts: list[Record], capture: str, node: ts.Node, reason: str, names: list[str]
    ) -> None:
        kind, _ = CAPTURE_FACTS[capture]
        start = node.start_point[0]
        byte = node.start_byte
        function = self.qualnames[self.enclosing(byte)]
        facts.append(
            (start + 1, node.end_point[0] + 1, kind, reason, function, names, start, byte, 0)
        )

    def _classify_calls(self, facts: list[Record]) -> None:
        """Boundary calls and recursion. Most calls are neither, so each is first tested on
        raw bytes sliced from the source (cheaper than `node.text` and a decode)."""
        boundaries = self.boundaries
        source = self.source
        function_names = {s.name.encode() for s in self.ordered if not s.is_class}
        method_names = {s.name.encode() for s in self.ordered if s.in_class}
        aliases = {k.encode(): v for k, v in self.aliases.items()}
        calls, call_roots = _config_bytes(boundaries)
        bare = calls | set(aliases) | function_names
        for node in self.call_self:
            self._recursion(facts, node, node_text(node), method=True)
        for node in self.call_functions:
            raw = source[node.start_byte : node.end_byte]
            if raw not in bare:
                continue
            name = raw.decode()
            category = boundaries.calls.get(name)
            if category is None and raw in aliases:
                category = boundaries.modules.get(aliases[raw])
            if category is not None:
                self._boundary(facts, node, name, category)
            elif raw in function_names:
                self._recursion(facts, node, name, method=False)
        roots = call_roots | set(aliases)
        modules = boundaries.modules
        mutating = MUTATING_METHODS[self.is_python]
        for node in self.call_members:
            raw = source[node.start_byte : node.end_byte]
            method = raw.rpartition(b".")[2]
            if method in mutating:
                self._mutating_call(facts, node, raw, method)
            elif method == b"catch" and not self.is_python:
                self._fact(facts, "error.promise_catch", node, "promise rejection handler", [])
            root, _, rest = raw.partition(b".")
            if root in _SELF_BYTES:
                if rest in method_names:
                    self._recursion(facts, node, rest.decode(), method=True)
                continue
            if root not in roots:
                continue
            dotted = raw.decode("utf-8", "replace")
            root_name = root.decode()
            module = self.aliases.get(root_name, root_name)
            category = boundaries.calls.get(dotted)
            if category is None:
                if module not in modules or not _DOTTED.match(dotted):
                    continue
                canonical = f"{module}.{rest.decode()}"
                if canonical in boundaries.pure or dotted in boundaries.pure:
                    continue
                category = modules[module]
            self._boundary(facts, node, dotted, category)

    def _mutating_call(self, facts: list[Record], node: ts.Node, raw: bytes, method: bytes) -> None:
        receiver = raw[: len(raw) - len(method) - 1]
        self._fact(
            facts,
            "mutation.method",
            node,
            f"mutating call .{method.decode()}()",
            identifiers(receiver)[:1],
        )

    def _boundary(self, facts: list[Record], node: ts.Node, callee: str, category: str) -> None:
        call = node
        while call.type not in ("call", "call_expression", "new_expression") and call.parent:
            call = call.parent
        function = self.enclosing(node.start_byte)
        row = call.start_point.row
        facts.append(
            (
                row + 1,
                call.end_point.row + 1,
                _K.BOUNDARY,
                f"{category} call {callee}()",
                self.ordered[function].qualname if function >= 0 else None,
                [callee],
                row,
                call.start_byte,
                0,
            )
        )

    def _recursion(self, facts: list[Record], node: ts.Node, name: str, method: bool) -> None:
        index = self.enclosing(node.start_byte)
        if index < 0:
            return
        scope = self.ordered[index]
        if scope.name != name or scope.in_class != method:
            return
        row = node.start_point.row
        facts.append(
            (
                row + 1,
                node.end_point.row + 1,
                _K.RECURSION,
                f"recursive call: {scope.qualname} calls itself",
                scope.qualname,
                [name],
                row,
                node.start_byte,
                0,
            )
        )

    def _global_mutations(self, facts: list[Record]) -> None:
        """Assignments to names a function declared `global`/`nonlocal` (rare, so a small walk
        of just those functions is cheap)."""
        declared: dict[int, set[str]] = {}
        for node in self.declared_global:
            index = self.enclosing(node.start_byte)
            if index >= 0:
                declared.setdefault(index, set()).add(node_text(node))
        for index, names in declared.items():
            scope = self.ordered[index]
            stack = [scope.node]
            while stack:
                node = stack.pop()
                if node.type in ("assignment", "augmented_assignment"):
                    left = node.child_by_field_name("left")
                    if left is not None and left.type == "identifier" and node_text(left) in names:
                        self._fact(
                            facts,
                            "mutation.attribute",
                            node,
                            reason=f"assignment to global/nonlocal {node_text(left)}",
                            names=[node_text(left)],
                        )
                    continue
                if node is not scope.node and node.type in (
                    "function_definition",
                    "class_definition",
                ):
                    continue
                stack.extend(node.children)


def extract(
    tree: ts.Tree, source: bytes, path: str, language: str, boundaries: BoundaryConfig
) -> PassResult:
    """Run the combined query once and build the facts and the function table of one file."""
    builder = _Builder(tree.root_node, source, path, language, boundaries)
    builder.collect(captures(facts_query(language), tree.root_node))
    return builder.build()


FUNCTION_TYPES = frozenset(
    {
        "function_definition",
        "function_declaration",
        "generator_function_declaration",
        "method_definition",
        "arrow_function",
        "function_expression",
        "generator_function",
    }
)
CLASS_TYPES = frozenset({"class_definition", "class_declaration", "class"})


def extract_region(
    tree: ts.Tree,
    source: bytes,
    path: str,
    language: str,
    boundaries: BoundaryConfig,
    region: ts.Node,
    aliases: dict[str, str],
) -> PassResult:
    """The whole-file pass restricted to one function node after an edit inside it: the query
    runs only over its bytes; its enclosing functions and classes are added as context (for
    qualified names) but yield no facts; imports come from the previous analysis."""
    start, end = region.start_byte, region.end_byte
    captured = captures(facts_query(language), tree.root_node, (start, end))
    inside = {
        name: [n for n in nodes if n.start_byte >= start and n.end_byte <= end]
        for name, nodes in captured.items()
    }
    builder = _Builder(tree.root_node, source, path, language, boundaries)
    builder.aliases.update(aliases)
    builder.collect(inside)
    parent = region.parent
    if parent is not None and parent.type == "decorated_definition":
        for child in parent.named_children:
            if child.type == "decorator":
                builder.decorators.setdefault(start, []).append(node_text(child))
    ancestor = parent
    while ancestor is not None:
        if ancestor.type in CLASS_TYPES:
            name = ancestor.child_by_field_name("name")
            label = (
                node_text(name) if name is not None else f"<class@{ancestor.start_point[0] + 1}>"
            )
            builder._add_scope(ancestor, label, "class", is_class=True)
        elif ancestor.type in FUNCTION_TYPES:
            if builder.is_python:
                name = ancestor.child_by_field_name("name")
                builder._add_scope(
                    ancestor, node_text(name) if name is not None else "?", "function"
                )
            else:
                builder._add_ecma_function(ancestor)
        else:
            ancestor = ancestor.parent
            continue
        builder.scopes[ancestor.start_byte].external = True
        ancestor = ancestor.parent
    return builder.build()
