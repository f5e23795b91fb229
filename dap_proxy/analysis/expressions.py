"""Generated expressions must be safe (brief: "safe expressions"): they parse in the target
language, reference only names bound where the probe sits, and — for conditions, which pause
the program when they raise — have no side effects (no calls, assignments, await, yield).
Also builds debugpy-style `{expr}` log messages.

The side-effect check is a whitelist of node kinds, so what it has not seen is refused. It also
refuses dunder names (`x.__class__.__subclasses__`, `__builtins__`; in JavaScript `__proto__`,
`constructor`, `prototype`): they reach the interpreter's machinery rather than the program's
data, which is how a harmless-looking attribute chain becomes code execution. Calls are refused
unless the callee is a plain name in `allowed_calls` (for side-effect-free builtins such as
`len`), and its arguments pass the same check."""

from __future__ import annotations

import ast
import functools
import keyword
import re
from collections.abc import Iterable

import tree_sitter as ts

from dap_proxy.analysis.languages import PYTHON, check_language, shared_parser

# Probes ask this of the same few names and paths over and over (every candidate line of every
# function); the answer depends on the text alone.
EXPRESSION_CACHE = 4096
_ES_LITERAL_NAMES = {"undefined", "NaN", "Infinity"}
_ES_UNSAFE = {
    "call_expression",
    "new_expression",
    "assignment_expression",
    "augmented_assignment_expression",
    "update_expression",
    "await_expression",
    "yield_expression",
    "arrow_function",
    "function_expression",
    "class",
}
_PY_SAFE_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Constant,
    ast.Tuple,
    ast.List,
    ast.Slice,
    ast.IfExp,
    ast.Load,
    ast.operator,
    ast.boolop,
    ast.cmpop,
    ast.unaryop,
)
_ES_MACHINERY = frozenset({"constructor", "prototype"})
_ES_NAMES = frozenset(
    {"identifier", "property_identifier", "shorthand_property_identifier", "string_fragment"}
)
_INTERPOLATION = re.compile(r"\{([^{}]+)\}")


def _es_tree(expr: str, language: str) -> ts.Node | None:
    """The expression node of `expr;` when the text is exactly one clean expression."""
    source = f"{expr};".encode()
    root = shared_parser(language).parse(source).root_node
    if root.has_error or root.named_child_count != 1:
        return None
    statement = root.named_children[0]
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    node = statement.named_children[0]
    # `a, b` parses as a sequence, `{a: 1}` as a block: neither is what a debugger evaluates.
    if node.end_byte != len(source) - 1 or node.type == "sequence_expression":
        return None
    return node


@functools.lru_cache(maxsize=EXPRESSION_CACHE)
def expression_parses(expr: str, language: str) -> bool:
    """True when `expr` is one complete expression in `language` (python, javascript,
    typescript, tsx): what a condition, hit condition or `{...}` part may contain."""
    if not expr.strip():
        return False
    name = check_language(language)
    if name == PYTHON:
        if _python_dotted_name(expr):  # most of what probes print: no need to compile it
            return True
        try:
            ast.parse(expr.strip(), mode="eval")
        except (SyntaxError, ValueError):
            return False
        return True
    return _es_tree(expr, name) is not None


def _python_dotted_name(expr: str) -> bool:
    """`name` or `a.b.c` with no keyword in it: an expression Python parses, known without
    parsing it (anything else, `True` included, goes to the parser)."""
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in expr.split("."))


def expression_names(expr: str, language: str) -> set[str]:
    """The free names an expression reads (attribute and property names excluded). Empty for
    an expression that does not parse."""
    name = check_language(language)
    if name == PYTHON:
        try:
            tree = ast.parse(expr.strip(), mode="eval")
        except (SyntaxError, ValueError):
            return set()
        return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    node = _es_tree(expr, name)
    if node is None:
        return set()
    names: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "shorthand_property_identifier"):
            text = (current.text or b"").decode()
            if text not in _ES_LITERAL_NAMES:
                names.add(text)
        stack.extend(current.named_children)
    return names


def _dunder(name: str) -> bool:
    return name.startswith("__")


def _python_side_effect_free(tree: ast.AST, allowed_calls: frozenset[str]) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in allowed_calls):
                return False
        elif isinstance(node, ast.keyword):
            if node.arg is None:  # f(**kwargs): arguments we cannot see
                return False
        elif isinstance(node, ast.Attribute):
            if _dunder(node.attr):
                return False
        elif isinstance(node, ast.Name):
            if _dunder(node.id):
                return False
        elif not isinstance(node, _PY_SAFE_NODES):
            return False
    return True


def _es_machinery(name: str) -> bool:
    return _dunder(name) or name in _ES_MACHINERY


def _es_side_effect_free(node: ts.Node, allowed_calls: frozenset[str]) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "call_expression":
            callee = current.child_by_field_name("function")
            if callee is None or callee.type != "identifier":
                return False
            if (callee.text or b"").decode() not in allowed_calls:
                return False
        elif kind in _ES_UNSAFE:
            return False
        elif kind in _ES_NAMES:  # string_fragment: x["constructor"] is x.constructor
            if _es_machinery((current.text or b"").decode()):
                return False
        elif kind == "unary_expression":
            operator = current.child(0)
            if operator is not None and operator.type == "delete":
                return False
        stack.extend(current.named_children)
    return True


def is_side_effect_free(
    expr: str, language: str, allowed_calls: frozenset[str] = frozenset()
) -> bool:
    """True when evaluating `expr` cannot call code we did not see or change state: names,
    attributes, subscripts, literals, arithmetic, comparisons and boolean logic only, no dunder
    names, and calls only to plain names in `allowed_calls`."""
    name = check_language(language)
    if name == PYTHON:
        try:
            tree = ast.parse(expr.strip(), mode="eval")
        except (SyntaxError, ValueError):
            return False
        return _python_side_effect_free(tree, allowed_calls)
    node = _es_tree(expr, name)
    return node is not None and _es_side_effect_free(node, allowed_calls)


def safe_condition(
    expr: str, language: str, bound: set[str], allowed_calls: frozenset[str] = frozenset()
) -> bool:
    """A condition we may give the debugger at a line where `bound` names are certainly bound
    (the names of `allowed_calls` need not be bound there: they are builtins)."""
    return (
        is_side_effect_free(expr, language, allowed_calls)
        and expression_names(expr, language) - allowed_calls <= bound
    )


def negate(expr: str, language: str) -> str:
    """The condition for the other branch."""
    if check_language(language) == PYTHON:
        return f"not ({expr})"
    return f"!({expr})"


def log_message(label: str, expressions: Iterable[str]) -> str:
    """A logpoint message: `label: a={a}, b.c={b.c}`. Braces are removed from the label so it
    cannot be taken for an interpolation."""
    clean = label.replace("{", "(").replace("}", ")")
    parts = ", ".join(f"{expr}={{{expr}}}" for expr in expressions)
    return f"{clean}: {parts}" if parts else clean


def message_expressions(message: str) -> list[str]:
    """The `{expr}` parts of a log message, in order."""
    return _INTERPOLATION.findall(message)


_STATEMENT_HEAD = re.compile(r"^\s*(?:if|elif|while|return|assert|yield)\b\s*")
_ORDERING = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def boundary_comparison(code: str) -> tuple[str, str, str] | None:
    """The first ordering comparison `left OP right` (OP one of < <= > >=) in one line of
    Python (an `if`/`while`/`return`... head or an expression), as source text, else None."""
    text = _STATEMENT_HEAD.sub("", code.strip()).rstrip().removesuffix(":")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            op = _ORDERING.get(type(node.ops[0]))
            left = ast.get_source_segment(text, node.left)
            right = ast.get_source_segment(text, node.comparators[0])
            if op and left and right:
                return left, op, right
    return None
