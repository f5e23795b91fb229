"""The walk behind `dataflow.py`: one pass over a function's syntax tree recording which
names each statement defines and reads, which branch and loop headers decide whether it runs,
and the conditions of those branches. Python and JavaScript/TypeScript share it; the node
kinds of each grammar have their own `on_<kind>` handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import tree_sitter as ts

_PY_STORE_PATTERNS = {
    "pattern_list",
    "tuple_pattern",
    "list_pattern",
    "tuple",
    "list",
    "parenthesized_expression",
    "list_splat_pattern",
    "as_pattern_target",
    "pattern",
    "expression_list",
}
_ES_STORE_PATTERNS = {
    "object_pattern",
    "array_pattern",
    "rest_pattern",
    "assignment_pattern",
    "pair_pattern",
    "parenthesized_expression",
}
_CLAUSES = {
    "elif_clause",
    "else_clause",
    "except_clause",
    "finally_clause",
    "case_clause",
    "switch_case",
    "switch_default",
    "catch_clause",
    "except_group_clause",
}
_DEFINITIONS = {"function_definition", "class_definition", "decorated_definition"}
_EXITS = {
    "return_statement",
    "raise_statement",
    "throw_statement",
    "continue_statement",
    "break_statement",
}


@dataclass
class WalkDef:
    name: str
    line: int  # statement line
    controls: tuple[int, ...]  # header lines of the branches/loops this definition sits in
    strong: bool  # rebinding the name (kills earlier values); attribute/item stores are weak


@dataclass
class FunctionFlow:
    """Everything the queries below need about one function (or the module body)."""

    qualname: str
    start_line: int
    end_line: int
    parameters: list[str] = field(default_factory=list)
    defs: list[WalkDef] = field(default_factory=list)
    uses: dict[int, set[str]] = field(default_factory=dict)  # statement line -> names read
    controls: dict[int, tuple[int, ...]] = field(default_factory=dict)  # line -> headers
    loops: list[tuple[int, int, int]] = field(default_factory=list)  # (header, start, end)
    declared_global: set[str] = field(default_factory=set)
    calls_on_line: dict[int, set[str]] = field(default_factory=dict)  # names called at a line
    paths: dict[int, list[str]] = field(default_factory=dict)  # line -> `a.b` paths read
    conditions: dict[int, str] = field(default_factory=dict)  # if/elif/while line -> condition
    else_of: dict[int, list[int]] = field(default_factory=dict)  # else line -> negated headers
    exit_guards: set[int] = field(default_factory=set)  # `if ...: return` lines guarding the rest
    if_end: dict[int, int] = field(default_factory=dict)  # if line -> last line of the statement
    code_names: set[str] = field(default_factory=set)  # bound by import/def/class: not data
    _first_lines: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def defs_of(self, name: str) -> list[WalkDef]:
        return [d for d in self.defs if d.name == name]

    def first_lines(self) -> dict[str, int]:
        """Each defined name's earliest definition line (once the walk is done): a name is
        defined before `line` when that comes first."""
        if self._first_lines is None:
            first: dict[str, int] = {}
            for d in self.defs:
                if d.line < first.get(d.name, d.line + 1):
                    first[d.name] = d.line
            self._first_lines = first
        return self._first_lines


def _text(node: ts.Node | None) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


def _line(node: ts.Node) -> int:
    return node.start_point.row + 1


class Walker:
    """One pass over a function's subtree recording defs, uses and control dependence."""

    def __init__(self, flow: FunctionFlow, python: bool, source: bytes) -> None:
        self.flow = flow
        self.python = python
        self.source = source  # the bytes the tree was parsed from
        self.stmt = flow.start_line
        self.control: list[int] = []
        self.shadow: list[set[str]] = []  # names bound by a lambda/comprehension being walked

    def text(self, node: ts.Node | None) -> str:
        """`_text(node)`, sliced from the source: `node.text` costs several times more, and
        the walk reads the text of every identifier it meets."""
        if node is None:
            return ""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    # --- recording --------------------------------------------------------------------------
    def use(self, name: str) -> None:
        if self.shadow and any(name in s for s in self.shadow):
            return
        uses = self.flow.uses.get(self.stmt)
        if uses is None:
            uses = self.flow.uses[self.stmt] = set()
        uses.add(name)

    def define(self, name: str, strong: bool = True, extra: tuple[int, ...] = ()) -> None:
        if self.shadow and any(name in s for s in self.shadow):
            return
        self.flow.defs.append(WalkDef(name, self.stmt, tuple(self.control) + extra, strong))

    def path(self, node: ts.Node) -> None:
        """Remember `a.b` / `a.b.c` reads rooted at a name (what a logpoint may print)."""
        text = self.text(node)
        if (
            text.replace(".", "").replace("_", "").replace("$", "").isalnum()
            and text.count(".") <= 2
        ):
            self.flow.paths.setdefault(self.stmt, []).append(text)

    # --- statements ---------------------------------------------------------------------------
    def statement_line(self, node: ts.Node) -> None:
        self.stmt = _line(node)
        self.flow.controls.setdefault(self.stmt, tuple(self.control))

    def block(self, node: ts.Node) -> None:
        """Visit a block's statements; after `if ...: return` the rest of the block depends on
        that `if` (an early exit is a branch)."""
        pushed = 0
        for child in node.named_children:
            self.visit(child)
            if child.type == "if_statement" and self._exits(child):
                self.control.append(_line(child))
                self.flow.exit_guards.add(_line(child))
                pushed += 1
        del self.control[len(self.control) - pushed :]

    def _exits(self, node: ts.Node) -> bool:
        body = node.child_by_field_name("consequence")
        if body is None:
            return False
        if body.type in _EXITS:
            return True
        statements = [c for c in body.named_children if c.type != "comment"]
        return bool(statements) and statements[-1].type in _EXITS

    def in_branch(self, header: int, node: ts.Node | None) -> None:
        if node is None:
            return
        self.control.append(header)
        if node.type in ("block", "statement_block", "switch_body"):
            self.block(node)
        else:
            self.visit(node)
        self.control.pop()

    # --- the walk -----------------------------------------------------------------------------
    def visit(self, node: ts.Node, store: bool = False) -> None:
        kind = node.type
        known = _DISPATCH.get(kind)
        if known is None:
            known = _DISPATCH[kind] = _dispatch(kind)
        starts_statement, handler = known
        if starts_statement:
            self.statement_line(node)
        if handler is not None:
            handler(self, node, store)
            return
        patterns = _PY_STORE_PATTERNS if self.python else _ES_STORE_PATTERNS
        child_store = store and kind in patterns
        for child in node.named_children:
            self.visit(child, child_store)

    def on_identifier(self, node: ts.Node, store: bool) -> None:
        name = self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")
        if store:
            self.define(name)
        else:
            self.use(name)

    on_shorthand_property_identifier_pattern = on_identifier

    def on_shorthand_property_identifier(self, node: ts.Node, store: bool) -> None:
        self.use(self.text(node))

    def on_comment(self, node: ts.Node, store: bool) -> None:
        """Nothing to read: comments, type annotations, property names, string text."""

    on_type = on_type_annotation = on_property_identifier = on_string_content = on_comment
    # Leaves that read nothing: a handler spares the walk their (empty) list of children.
    on_integer = on_float = on_none = on_true = on_false = on_comment
    on_null = on_undefined = on_number = on_string_fragment = on_escape_sequence = on_comment

    def on_string(self, node: ts.Node, store: bool) -> None:
        """Only a Python f-string's interpolations read names (a string's other parts are its
        delimiters and text): a quarter of the nodes a walk meets are those parts."""
        for child in node.named_children:
            if child.type == "interpolation":
                self.visit(child)

    def on_block(self, node: ts.Node, store: bool) -> None:
        self.block(node)

    on_statement_block = on_block

    def _base(self, node: ts.Node) -> str | None:
        while node.type in ("attribute", "subscript", "member_expression", "subscript_expression"):
            inner = node.child_by_field_name("object") or node.child_by_field_name("value")
            if inner is None:
                return None
            node = inner
        return self.text(node) if node.type == "identifier" else None

    def _store_target(self, node: ts.Node) -> None:
        """Store into a target: rebinding for names, a weak definition of the base otherwise."""
        if node.type in ("attribute", "subscript", "member_expression", "subscript_expression"):
            self.visit(node)  # the base and the index are read
            base = self._base(node)
            if base is not None:
                self.define(base, strong=False)
        else:
            self.visit(node, store=True)

    # Python ---------------------------------------------------------------------------------
    def on_attribute(self, node: ts.Node, store: bool) -> None:
        if store:
            self._store_target(node)
            return
        self.visit(node.child_by_field_name("object") or node)
        self.path(node)

    on_member_expression = on_attribute

    def on_subscript(self, node: ts.Node, store: bool) -> None:
        if store:
            self._store_target(node)
            return
        for child in node.named_children:
            self.visit(child)

    on_subscript_expression = on_subscript

    def on_call(self, node: ts.Node, store: bool) -> None:
        function = node.child_by_field_name("function")
        if function is not None:
            if function.type == "identifier":
                self.flow.calls_on_line.setdefault(self.stmt, set()).add(self.text(function))
                self.use(self.text(function))
            elif function.type in ("attribute", "member_expression"):
                # `obj.method(...)` reads obj; the bound method itself is not a value to print.
                obj = function.child_by_field_name("object")
                if obj is not None:
                    self.visit(obj)
            else:
                self.visit(function)
        for child in node.named_children:
            if child != function and child.type != "type_arguments":
                self.visit(child)

    on_call_expression = on_call

    def on_assignment(self, node: ts.Node, store: bool) -> None:
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if right is not None:
            self.visit(right)
        if left is not None and (right is not None or not self.python):
            self._store_target(left)

    def on_augmented_assignment(self, node: ts.Node, store: bool) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is not None:
            self.visit(left)
        if right is not None:
            self.visit(right)
        if left is not None:
            self._store_target(left)

    on_augmented_assignment_expression = on_augmented_assignment

    def on_named_expression(self, node: ts.Node, store: bool) -> None:
        self.visit(node.child_by_field_name("value") or node)
        name = node.child_by_field_name("name")
        if name is not None:
            self.define(self.text(name))

    def on_keyword_argument(self, node: ts.Node, store: bool) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.visit(value)

    def on_if_statement(self, node: ts.Node, store: bool) -> None:
        header = _line(node)
        self.flow.if_end[header] = node.end_point.row + 1
        condition = node.child_by_field_name("condition")
        if condition is not None:
            self.flow.conditions[header] = _condition_text(self.text(condition))
            self.visit(condition)
        self.in_branch(header, node.child_by_field_name("consequence"))
        headers = [header]
        for alternative in node.children_by_field_name("alternative"):
            alt_line = _line(alternative)
            # An elif/else runs only when every earlier condition was false.
            self.control.extend(headers)
            self.stmt = alt_line
            self.flow.controls.setdefault(alt_line, tuple(self.control))
            if alternative.type == "elif_clause":
                cond = alternative.child_by_field_name("condition")
                if cond is not None:
                    self.flow.conditions[alt_line] = _condition_text(self.text(cond))
                    self.visit(cond)
                self.in_branch(alt_line, alternative.child_by_field_name("consequence"))
            else:
                self.flow.else_of[alt_line] = list(headers)
                body = alternative.child_by_field_name("body")
                if body is None and alternative.named_child_count:
                    body = alternative.named_children[-1]
                self.in_branch(alt_line, body)
            del self.control[len(self.control) - len(headers) :]
            headers.append(alt_line)
        self.stmt = header

    def _loop(self, node: ts.Node, header_parts: list[str], target: str | None) -> None:
        header = _line(node)
        for part in header_parts:
            child = node.child_by_field_name(part)
            if child is not None:
                self.visit(child)
        self.control.append(header)
        if target is not None:
            left = node.child_by_field_name(target)
            if left is not None:
                self.visit(left, store=True)
        body = node.child_by_field_name("body")
        if body is not None:
            if body.type in ("block", "statement_block"):
                self.block(body)
            else:
                self.visit(body)
        self.control.pop()
        self.flow.loops.append((header, header, node.end_point.row + 1))
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            self.in_branch(header, alternative)

    def on_for_statement(self, node: ts.Node, store: bool) -> None:
        if self.python:
            self._loop(node, ["right"], "left")
        else:
            self._loop(node, ["initializer", "condition", "increment"], None)

    def on_for_in_statement(self, node: ts.Node, store: bool) -> None:
        self._loop(node, ["right"], "left")

    def on_while_statement(self, node: ts.Node, store: bool) -> None:
        condition = node.child_by_field_name("condition")
        if condition is not None:
            self.flow.conditions[_line(node)] = _condition_text(self.text(condition))
        self._loop(node, ["condition"], None)

    def on_do_statement(self, node: ts.Node, store: bool) -> None:
        self._loop(node, ["condition"], None)

    def on_try_statement(self, node: ts.Node, store: bool) -> None:
        for child in node.named_children:
            if child.type in ("except_clause", "except_group_clause", "catch_clause"):
                header = _line(child)
                self.stmt = header
                self.flow.controls.setdefault(header, tuple(self.control))
                self.control.append(header)
                for part in child.named_children:
                    if part.type == "as_pattern":  # `except E as e`: e bound in the handler
                        for sub in part.named_children:
                            self.visit(sub, store=sub.type == "as_pattern_target")
                    elif child.type == "catch_clause" and part == child.child_by_field_name(
                        "parameter"
                    ):
                        self.visit(part, store=True)
                    else:
                        self.visit(part)
                self.control.pop()
            else:
                self.visit(child)

    def on_as_pattern(self, node: ts.Node, store: bool) -> None:
        # `with open(p) as fh`: the value is read, the alias bound.
        for child in node.named_children:
            self.visit(child, store=child.type == "as_pattern_target")

    def on_match_statement(self, node: ts.Node, store: bool) -> None:
        subject = node.child_by_field_name("subject")
        if subject is not None:
            self.visit(subject)
        self._cases(node, bind_patterns=True)

    def _cases(self, node: ts.Node, bind_patterns: bool = False) -> None:
        """Each `case` of a match/switch body is a branch controlled by its own header line;
        its pattern part (Python's `case_pattern`) binds names instead of reading them."""
        body = node.child_by_field_name("body")
        for case in body.named_children if body is not None else []:
            header = _line(case)
            self.stmt = header
            self.control.append(header)
            for part in case.named_children:
                if bind_patterns and part.type == "case_pattern":
                    self._case_pattern(part)
                else:
                    self.visit(part)
            self.control.pop()

    def _case_pattern(self, node: ts.Node) -> None:
        for child in node.named_children:
            if child.type == "dotted_name" and child.named_child_count == 1:
                parent_kind = node.type
                if parent_kind == "class_pattern" and child == node.named_children[0]:
                    self.use(self.text(child))
                elif self.text(child) != "_":
                    self.define(self.text(child))
            elif child.type == "identifier" and node.type in ("as_pattern", "splat_pattern"):
                self.define(self.text(child))
            elif child.type == "keyword_pattern":
                for part in child.named_children[1:]:
                    self._case_pattern_leaf(part)
            else:
                self._case_pattern(child)

    def _case_pattern_leaf(self, node: ts.Node) -> None:
        if node.type == "dotted_name" and node.named_child_count == 1:
            self.define(self.text(node))
        else:
            self._case_pattern(node)

    def on_switch_statement(self, node: ts.Node, store: bool) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.visit(value)
        self._cases(node)

    def on_global_statement(self, node: ts.Node, store: bool) -> None:
        for child in node.named_children:
            self.flow.declared_global.add(self.text(child))

    on_nonlocal_statement = on_global_statement

    def code_name(self, name: str) -> None:
        self.define(name)
        self.flow.code_names.add(name)

    def on_import_statement(self, node: ts.Node, store: bool) -> None:
        if not self.python:
            for child in node.named_children:
                if child.type == "import_clause":
                    for bound in _identifiers(child):
                        self.code_name(bound)
            return
        for name in node.children_by_field_name("name"):
            if name.type == "aliased_import":
                self.code_name(self.text(name.child_by_field_name("alias")))
            else:
                self.code_name(self.text(name).split(".")[0])

    def on_import_from_statement(self, node: ts.Node, store: bool) -> None:
        for name in node.children_by_field_name("name"):
            if name.type == "aliased_import":
                self.code_name(self.text(name.child_by_field_name("alias")))
            else:
                self.code_name(self.text(name))

    def on_function_definition(self, node: ts.Node, store: bool) -> None:
        """A nested def binds its name; defaults are read now; its body is another scope."""
        parameters = node.child_by_field_name("parameters")
        for param in parameters.named_children if parameters is not None else []:
            value = param.child_by_field_name("value")
            if value is not None:
                self.visit(value)
        name = node.child_by_field_name("name")
        if name is not None:
            self.code_name(self.text(name))

    def on_class_definition(self, node: ts.Node, store: bool) -> None:
        superclasses = node.child_by_field_name("superclasses")
        if superclasses is not None:
            self.visit(superclasses)
        name = node.child_by_field_name("name")
        if name is not None:
            self.code_name(self.text(name))

    def on_decorator(self, node: ts.Node, store: bool) -> None:
        for child in node.named_children:
            self.visit(child)

    def on_lambda(self, node: ts.Node, store: bool) -> None:
        params = node.child_by_field_name("parameters")
        bound = set(parameter_names(params, python=True)) if params is not None else set()
        self.shadow.append(bound)
        body = node.child_by_field_name("body")
        if body is not None:
            self.visit(body)
        self.shadow.pop()

    def _comprehension(self, node: ts.Node, store: bool) -> None:
        bound: set[str] = set()
        for clause in node.named_children:
            if clause.type == "for_in_clause":
                left = clause.child_by_field_name("left")
                if left is not None:
                    bound.update(_identifiers(left))
        first = True
        for clause in node.named_children:
            if clause.type == "for_in_clause" and first:
                # The first iterable is evaluated in the enclosing scope.
                first = False
                right = clause.child_by_field_name("right")
                if right is not None:
                    self.visit(right)
                continue
            self.shadow.append(bound)
            self.visit(clause)
            self.shadow.pop()

    on_list_comprehension = _comprehension
    on_set_comprehension = _comprehension
    on_dictionary_comprehension = _comprehension
    on_generator_expression = _comprehension

    def on_for_in_clause(self, node: ts.Node, store: bool) -> None:
        right = node.child_by_field_name("right")
        if right is not None:
            self.visit(right)

    # JavaScript / TypeScript ----------------------------------------------------------------
    def on_variable_declarator(self, node: ts.Node, store: bool) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.visit(value)
        name = node.child_by_field_name("name")
        if name is None:
            return
        callee = value.child_by_field_name("function") if value is not None else None
        if callee is not None and self.text(callee) == "require":  # a module, not data
            for bound in _identifiers(name):
                self.code_name(bound)
        else:
            self.visit(name, store=True)

    def on_assignment_expression(self, node: ts.Node, store: bool) -> None:
        self.on_assignment(node, store)

    def on_update_expression(self, node: ts.Node, store: bool) -> None:
        argument = node.child_by_field_name("argument")
        if argument is not None:
            self.visit(argument)
            self._store_target(argument)

    def on_pair_pattern(self, node: ts.Node, store: bool) -> None:
        value = node.child_by_field_name("value")
        if value is not None:
            self.visit(value, store=True)

    def on_pair(self, node: ts.Node, store: bool) -> None:
        key = node.child_by_field_name("key")
        if key is not None and key.type == "computed_property_name":
            self.visit(key)
        value = node.child_by_field_name("value")
        if value is not None:
            self.visit(value)

    def on_assignment_pattern(self, node: ts.Node, store: bool) -> None:
        right = node.child_by_field_name("right")
        if right is not None:
            self.visit(right)
        left = node.child_by_field_name("left")
        if left is not None:
            self.visit(left, store=True)

    def _nested_es_function(self, node: ts.Node, store: bool) -> None:
        """A callback reads and may assign the outer names (closures are everywhere in JS):
        walk its body with its own parameters and declarations shadowed."""
        name = node.child_by_field_name("name")
        if name is not None and node.type == "function_declaration":
            self.code_name(self.text(name))
        params = parameters_node(node)
        bound = set(parameter_names(params, python=False)) if params is not None else set()
        body = node.child_by_field_name("body")
        if body is not None:
            bound.update(_es_declared(body))
        self.shadow.append(bound)
        if body is not None:
            self.visit(body)
        self.shadow.pop()

    on_arrow_function = _nested_es_function
    on_function_expression = _nested_es_function
    on_function_declaration = _nested_es_function
    on_generator_function = _nested_es_function
    on_generator_function_declaration = _nested_es_function

    def on_new_expression(self, node: ts.Node, store: bool) -> None:
        for child in node.named_children:
            self.visit(child)


class BindingsWalker(Walker):
    """The walk for what a body binds (its defs and code names), not what it reads: a Python
    expression is not read unless it may hold a `:=`, the one Python expression that binds a
    name. Its defs and code names are the full walk's; its uses, paths and conditions are not.
    (A module's tables of constants are most of its body.)"""

    def visit(self, node: ts.Node, store: bool = False) -> None:
        if (
            not store
            and self.python
            and node.type in _PY_EXPRESSIONS
            and self.source.find(b":=", node.start_byte, node.end_byte) < 0
        ):
            return
        super().visit(node, store)


# Python expressions read by the walk, none of which binds a name but through a `:=` inside.
# (`as` patterns, `for` targets and case patterns bind, and are not among them.)
_PY_EXPRESSIONS = {
    "identifier",
    "attribute",
    "subscript",
    "call",
    "argument_list",
    "keyword_argument",
    "list_splat",
    "dictionary_splat",
    "parenthesized_expression",
    "tuple",
    "list",
    "set",
    "dictionary",
    "pair",
    "string",
    "concatenated_string",
    "integer",
    "float",
    "true",
    "false",
    "none",
    "ellipsis",
    "binary_operator",
    "boolean_operator",
    "comparison_operator",
    "not_operator",
    "unary_operator",
    "conditional_expression",
    "lambda",
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
    "await",
    "slice",
    "expression_list",
    "decorator",
}


Handler = Callable[[Walker, ts.Node, bool], None]
# node kind -> (whether it starts a statement, its `on_<kind>` handler): looked up once per
# kind, not once per node (the walk visits every node of the functions it reads).
_DISPATCH: dict[str, tuple[bool, Handler | None]] = {}


def _dispatch(kind: str) -> tuple[bool, Handler | None]:
    statement = kind not in _CLAUSES and (
        kind.endswith(("_statement", "_declaration")) or kind in _DEFINITIONS
    )
    return statement, getattr(Walker, f"on_{kind}", None)


def _condition_text(text: str) -> str:
    """A condition's code as an expression (JavaScript wraps it in parentheses; keep them,
    they are harmless) on one line."""
    return " ".join(part.strip() for part in text.splitlines()) if "\n" in text else text


def _identifiers(node: ts.Node) -> list[str]:
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [_text(node)]
    out: list[str] = []
    for child in node.named_children:
        if node.type in ("pair_pattern",) and child == node.child_by_field_name("key"):
            continue
        if node.type == "assignment_pattern" and child == node.child_by_field_name("right"):
            continue
        out.extend(_identifiers(child))
    return out


def _es_declared(body: ts.Node) -> set[str]:
    """Names a JS function body declares at its top level (`let/const/var`, function names)."""
    names: set[str] = set()
    if body.type != "statement_block":
        return names
    for statement in body.named_children:
        if statement.type in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                name = declarator.child_by_field_name("name")
                if name is not None:
                    names.update(_identifiers(name))
        elif statement.type == "function_declaration":
            name = statement.child_by_field_name("name")
            if name is not None:
                names.add(_text(name))
    return names


def parameters_node(function: ts.Node) -> ts.Node | None:
    """A function's parameter list (`x => ...` has a single `parameter`)."""
    return function.child_by_field_name("parameters") or function.child_by_field_name("parameter")


def parameter_names(params: ts.Node, python: bool) -> list[str]:
    """The names a parameter list binds, in order (defaults and annotations excluded)."""
    if params.type == "identifier":  # `x => ...`
        return [_text(params)]
    names: list[str] = []
    for param in params.named_children:
        kind = param.type
        if kind == "identifier":
            names.append(_text(param))
        elif kind in ("default_parameter", "typed_default_parameter"):
            names.append(_text(param.child_by_field_name("name")))
        elif kind == "typed_parameter":
            first = param.named_children[0] if param.named_child_count else None
            if first is not None:
                names.extend(_identifiers(first))
        elif kind in ("list_splat_pattern", "dictionary_splat_pattern"):
            names.extend(_identifiers(param))
        elif kind in ("required_parameter", "optional_parameter"):
            pattern = param.child_by_field_name("pattern")
            if pattern is not None:
                names.extend(_identifiers(pattern))
        elif kind in ("object_pattern", "array_pattern", "rest_pattern", "assignment_pattern"):
            names.extend(_identifiers(param))
        elif not python and kind == "this":
            continue
    return [n for n in names if n]
