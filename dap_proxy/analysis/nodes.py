"""Source and node helpers of the whole-file pass (`facts.py`): fast model construction,
identifier extraction, lazily decoded line text, syntax-error lines, function body lines and
import statements. Kept apart so the pass itself reads as one loop over captures."""

from __future__ import annotations

import re
from operator import attrgetter
from typing import TypeVar

import tree_sitter as ts
from pydantic import BaseModel

from dap_proxy.analysis.boundaries import module_root
from dap_proxy.analysis.models import Fact, FunctionInfo, Probe, ProbeKind

MAX_SYNTAX_ERRORS = 50
TEXT_LIMIT = 160
_IDENT = re.compile(rb"(?<![.\w\"'])[A-Za-z_$][\w$]*")
_KEYWORDS = {
    b"and",
    b"or",
    b"not",
    b"in",
    b"is",
    b"if",
    b"else",
    b"elif",
    b"None",
    b"True",
    b"False",
    b"lambda",
    b"await",
    b"for",
    b"while",
    b"return",
    b"case",
    b"match",
    b"del",
    b"typeof",
    b"instanceof",
    b"null",
    b"undefined",
    b"true",
    b"false",
    b"new",
    b"this",
    b"void",
    b"yield",
    b"switch",
    b"default",
    b"delete",
    b"async",
    b"function",
    b"const",
    b"let",
    b"var",
}
LINES = attrgetter("start_line", "end_line")
FACT_FIELDS = set(Fact.model_fields)
FUNCTION_FIELDS = set(FunctionInfo.model_fields)
setattr_ = object.__setattr__
M = TypeVar("M", bound=BaseModel)


def trusted(model: type[M], values: dict[str, object], fields_set: set[str]) -> M:
    """A pydantic model from trusted values (every field given, in field order) without
    validation. Even `model_construct` costs ~19 us a fact, which on a large repository is more
    than parsing it; this is ~1 us, and builds no validator."""
    instance = model.__new__(model)
    setattr_(instance, "__dict__", values)
    setattr_(instance, "__pydantic_fields_set__", fields_set)
    setattr_(instance, "__pydantic_extra__", None)
    setattr_(instance, "__pydantic_private__", None)
    return instance


def new_fact(**values: object) -> Fact:
    """A `Fact` from trusted values (all fields given)."""
    return trusted(Fact, values, FACT_FIELDS)


def new_function(**values: object) -> FunctionInfo:
    """`FunctionInfo` from trusted values, like `new_fact`."""
    return trusted(FunctionInfo, values, FUNCTION_FIELDS)


_LOGPOINT_SET = frozenset(("kind", "file", "line", "log_message", "reason", "facts", "score"))


def new_logpoint(
    file: str, line: int, log_message: str, reason: str, facts: list[Fact], score: float
) -> Probe:
    """A logpoint `Probe` from trusted values, like `new_fact`: the same object validation
    gives, without building `Probe`'s validator in a command that only prints probes. (Its
    fields set is its own: pydantic adds to it when a field is assigned.)"""
    values: dict[str, object] = {
        "kind": ProbeKind.LOGPOINT,
        "file": file,
        "line": line,
        "condition": None,
        "hit_condition": None,
        "log_message": log_message,
        "reason": reason,
        "facts": facts,
        "score": score,
    }
    return trusted(Probe, values, set(_LOGPOINT_SET))


def node_text(node: ts.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def identifiers(text: bytes) -> list[str]:
    """Identifiers a piece of code reads, first occurrence order, keywords left out (ASCII:
    the pattern only matches ASCII identifiers)."""
    found = _IDENT.findall(text)
    if not found:
        return []
    return [n.decode("ascii") for n in dict.fromkeys(found) if n not in _KEYWORDS]


class Lines:
    """Source lines decoded lazily, found from a byte offset (only lines that carry a fact are
    ever located and decoded; splitting every line of every file up front costs more)."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.cache: dict[int, str] = {}

    def text_at(self, row: int, byte: int) -> str:
        got = self.cache.get(row)
        if got is None:
            source = self.source
            start = source.rfind(b"\n", 0, byte) + 1
            end = source.find(b"\n", byte, start + TEXT_LIMIT * 2)
            if end < 0:
                end = min(len(source), start + TEXT_LIMIT * 2)
            got = source[start:end].decode("utf-8", "replace").strip()[:TEXT_LIMIT]
            self.cache[row] = got
        return got

    def text(self, row: int) -> str:
        """Text of a row when no byte offset is at hand (rare: entry facts use the node's)."""
        got = self.cache.get(row)
        if got is None:
            lines = self.source.split(b"\n", row + 1)
            raw = lines[row] if row < len(lines) else b""
            got = raw.strip().decode("utf-8", "replace")[:TEXT_LIMIT]
            self.cache[row] = got
        return got


def syntax_error_lines(root: ts.Node) -> list[int]:
    """Lines where tree-sitter inserted ERROR or MISSING nodes (descends only into subtrees that
    contain an error, so a clean file costs nothing)."""
    if not root.has_error:
        return []
    lines: list[int] = []
    stack = [root]
    while stack and len(lines) < MAX_SYNTAX_ERRORS:
        node = stack.pop()
        if node.is_error or node.is_missing:
            lines.append(node.start_point.row + 1)
            continue
        stack.extend(child for child in reversed(node.children) if child.has_error)
    return sorted(set(lines))


def python_body_line(node: ts.Node) -> int:
    body = node.child_by_field_name("body")
    # `named_child` raises IndexError (not None) past the end: check the count first.
    first = body.named_child(0) if body is not None and body.named_child_count else None
    if first is None:
        return node.start_point[0] + 1
    # A docstring produces no line event, so a probe there would never fire.
    if first.type == "expression_statement":
        string = first.named_child(0) if first.named_child_count else None
        following = first.next_named_sibling
        if (
            string is not None
            and string.type == "string"
            and first.named_child_count == 1
            and following is not None
        ):
            first = following
    return first.start_point[0] + 1


def ecma_body_line(node: ts.Node) -> int:
    body = node.child_by_field_name("body")
    if body is None:
        return node.start_point.row + 1
    if body.type == "statement_block":
        for child in body.named_children:
            if child.type != "comment":
                return child.start_point.row + 1
        return node.start_point.row + 1
    return body.start_point.row + 1


def python_imports(node: ts.Node, aliases: dict[str, str]) -> None:
    """Record `alias -> module root` for every name an import statement binds."""
    module = node.child_by_field_name("module_name")
    from_module = node_text(module) if module is not None else None
    for name in node.children_by_field_name("name"):
        if name.type == "aliased_import":
            alias_node = name.child_by_field_name("alias")
            target = name.child_by_field_name("name")
            alias = node_text(alias_node) if alias_node else ""
            full = node_text(target) if target else alias
        else:
            full = node_text(name)
            alias = full.split(".")[0] if from_module is None else full
        source = from_module if from_module is not None else full
        if alias and not source.startswith("."):
            aliases[alias] = module_root(source)


def ecma_import(node: ts.Node, aliases: dict[str, str]) -> None:
    """`import fs from "fs"`, `import * as cp from "child_process"`, `import {get} from "http"`."""
    source = node.child_by_field_name("source")
    if source is None:
        return
    module = module_root(node_text(source).strip("'\"`"))
    stack = [child for child in node.named_children if child.type == "import_clause"]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            aliases[node_text(current)] = module
        elif current.type == "import_specifier":
            alias = current.child_by_field_name("alias") or current.child_by_field_name("name")
            if alias is not None:
                aliases[node_text(alias)] = module
        else:
            stack.extend(current.named_children)


def ecma_require(node: ts.Node, aliases: dict[str, str]) -> None:
    """`const fs = require("fs")`, `const {execSync} = require("child_process")`."""
    value = node.child_by_field_name("value")
    arguments = value.child_by_field_name("arguments") if value is not None else None
    name = node.child_by_field_name("name")
    if arguments is None or name is None or not arguments.named_child_count:
        return
    first = arguments.named_children[0]
    if first.type != "string":
        return
    module = module_root(node_text(first).strip("'\"`"))
    if name.type == "identifier":
        aliases[node_text(name)] = module
    else:
        for child in name.named_children:
            target = child.child_by_field_name("value") if child.type == "pair_pattern" else child
            if target is not None and target.type in (
                "identifier",
                "shorthand_property_identifier_pattern",
            ):
                aliases[node_text(target)] = module
