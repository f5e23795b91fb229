"""Generated expressions are safe: they parse in the target language and read only names bound
where the probe sits. Table tests for the checks themselves, then a hypothesis property over
random Python functions, and an exhaustive sweep over the JavaScript/TypeScript test files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dap_proxy.analysis.dataflow import bound_names, names_in_scope
from dap_proxy.analysis.engine import analyze_file, analyze_source
from dap_proxy.analysis.expressions import (
    expression_names,
    expression_parses,
    is_side_effect_free,
    log_message,
    message_expressions,
    negate,
    safe_condition,
)
from dap_proxy.analysis.models import FileAnalysis, Probe
from dap_proxy.analysis.probes import probes_at_line

DATA = Path(__file__).parent.parent / "data" / "analysis"


@pytest.mark.parametrize(
    ("expr", "language", "ok"),
    [
        ("a + b", "python", True),
        ("x.y[0] is not None", "python", True),
        ("not (a and b)", "python", True),
        ("a +", "python", False),
        ("x = 1", "python", False),
        ("", "python", False),
        ("a\0", "python", False),
        # names and dotted paths (answered without the parser) and their near misses
        ("total", "python", True),
        ("self.items.count", "python", True),
        ("match", "python", True),  # a soft keyword is a name
        ("_", "python", True),
        ("True", "python", True),  # a keyword, but an expression
        ("if", "python", False),
        ("a.if", "python", False),
        ("a.", "python", False),
        ("a..b", "python", False),
        ("a.1", "python", False),
        (" x ", "python", True),
        ("a && b.c", "javascript", True),
        ("!(x > 1)", "javascript", True),
        ("a ?? b", "typescript", True),
        ("(x as number) > 1", "typescript", True),
        ("a b", "javascript", False),
        ("a, b", "javascript", False),  # a sequence, not one value
        ("return a", "javascript", False),
        ("let x = 1", "javascript", False),
        ("f(", "tsx", False),
    ],
)
def test_expression_parses(expr: str, language: str, ok: bool) -> None:
    assert expression_parses(expr, language) is ok


@pytest.mark.parametrize(
    ("expr", "language", "names"),
    [
        ("a.b + c[d]", "python", {"a", "c", "d"}),
        ("x > 1 and y is None", "python", {"x", "y"}),
        ("a.b && c[d] !== undefined", "javascript", {"a", "c", "d"}),
        ("a +", "python", set()),
    ],
)
def test_expression_names(expr: str, language: str, names: set[str]) -> None:
    assert expression_names(expr, language) == names


@pytest.mark.parametrize(
    ("expr", "language", "ok"),
    [
        ("a > 1 and b.c[0] == 'x'", "python", True),
        ("f(a) > 1", "python", False),
        ("(n := 3) > 1", "python", False),
        ("[x for x in a]", "python", False),
        ("a.b > 1 && !c", "javascript", True),
        ("a.push(1)", "javascript", False),
        ("i++ > 1", "javascript", False),
        ("x = 2", "javascript", False),
    ],
)
def test_side_effect_free(expr: str, language: str, ok: bool) -> None:
    assert is_side_effect_free(expr, language) is ok


# Candidate expressions that must never be injected: each calls code, changes state, or reaches
# the interpreter's machinery through a dunder name.
HOSTILE_PYTHON = [
    "f(a) > 1",
    "print(x)",
    "os.system('rm -rf /')",
    "__import__('os').system('id')",
    "__import__",
    "__builtins__",
    "__builtins__['eval']",
    "x.__class__",
    "x.__class__.__subclasses__",
    "x.__class__.__subclasses__()",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__dict__['secret']",
    "self.__init__",
    "type(x).__mro__",
    "a.b.__globals__",
    "(n := 3) > 1",
    "(self.count := 0)",
    "lambda: 1",
    "(lambda: os.remove('f'))()",
    "[x for x in a]",
    "{k: v for k, v in d.items()}",
    "any(x > 0 for x in xs)",
    "{x for x in a}",
    "f'{x!r}'",
    "await job",
    "(yield x)",
    "*a",
    "items.pop()",
    "open('/etc/passwd').read()",
    "getattr(x, 'y')",
    "len(**opts)",
    "eval('1')",
    "exec('x=1')",
    "globals()",
    "breakpoint()",
    "x[0](1)",
]
HOSTILE_JAVASCRIPT = [
    "a.push(1)",
    "i++ > 1",
    "x = 2",
    "x += 1",
    "delete x.y",
    "new Function('return 1')",
    "x.constructor.constructor('return process')()",
    "x.constructor",
    "x['constructor']",
    "x.__proto__",
    "x['__proto__'].polluted",
    "Object.prototype",
    "require('child_process')",
    "(() => 1)()",
    "function () { return 1 }",
    "await job",
    "fetch`x`",
    "a?.()",
    "[1, 2].map(f)",
]


@pytest.mark.parametrize("expr", HOSTILE_PYTHON)
def test_hostile_python_expressions_are_refused(expr: str) -> None:
    assert not is_side_effect_free(expr, "python")
    assert not is_side_effect_free(expr, "python", allowed_calls=WHITELIST)
    assert not safe_condition(expr, "python", {"a", "b", "x", "xs", "d", "self", "os"})


@pytest.mark.parametrize("expr", HOSTILE_JAVASCRIPT)
@pytest.mark.parametrize("language", ["javascript", "typescript"])
def test_hostile_javascript_expressions_are_refused(expr: str, language: str) -> None:
    assert not is_side_effect_free(expr, language)
    assert not is_side_effect_free(expr, language, allowed_calls=WHITELIST)


WHITELIST = frozenset({"len", "repr", "type", "isinstance"})


@pytest.mark.parametrize(
    ("expr", "language"),
    [
        ("len(items) > 3", "python"),
        ("isinstance(x, int) and repr(x) != ''", "python"),
        ("len(a.b[0]) == n", "python"),
        ("len(a) > 3", "javascript"),
    ],
)
def test_whitelisted_calls_pass_with_safe_arguments_only(expr: str, language: str) -> None:
    assert not is_side_effect_free(expr, language)  # no call is allowed by default
    assert is_side_effect_free(expr, language, allowed_calls=WHITELIST)
    bound = expression_names(expr, language) - WHITELIST
    assert safe_condition(expr, language, bound, allowed_calls=WHITELIST)
    assert not is_side_effect_free(expr.replace("len(", "len(f(", 1) + ")", language, WHITELIST)


def test_safe_condition_needs_bound_names() -> None:
    assert safe_condition("a > b", "python", {"a", "b"})
    assert not safe_condition("a > b", "python", {"a"})


def test_negate_and_log_message() -> None:
    assert negate("a or b", "python") == "not (a or b)"
    assert negate("a || b", "javascript") == "!(a || b)"
    message = log_message("[smart-debug] f{x}", ["a", "b.c"])
    assert message == "[smart-debug] f(x): a={a}, b.c={b.c}"
    assert message_expressions(message) == ["a", "b.c"]


def assert_probe_is_safe(analysis: FileAnalysis, probe: Probe) -> None:
    language = analysis.language
    if probe.condition is not None:
        assert expression_parses(probe.condition, language), probe
        assert expression_names(probe.condition, language) <= bound_names(analysis, probe.line)
    if probe.hit_condition is not None:
        assert probe.hit_condition.lstrip("><=%").isdigit(), probe
    if probe.log_message is not None:
        scope = names_in_scope(analysis, probe.line)
        exprs = message_expressions(probe.log_message)
        assert exprs, probe
        for expr in exprs:
            assert expression_parses(expr, language), (expr, probe)
            assert expression_names(expr, language) <= scope, (expr, probe)


# --- property: random Python functions ---------------------------------------------------------
NAMES = ["a", "b", "c", "d", "total"]
name = st.sampled_from(NAMES)
atom = st.one_of(name, st.integers(0, 9).map(str))
expr = st.one_of(
    atom,
    st.tuples(atom, atom).map(lambda p: f"{p[0]} + {p[1]}"),
    name.map(lambda n: f"{n}.size"),
    name.map(lambda n: f"{n}[0]"),
    name.map(lambda n: f"helper({n})"),
)
cond = st.one_of(
    name.map(lambda n: f"{n} > 0"),
    st.tuples(name, name).map(lambda p: f"{p[0]} and {p[1]}"),
    name.map(lambda n: f"not {n}"),
    name.map(lambda n: f"{n} is None"),
    name.map(lambda n: f"helper({n}) == 1"),
)


def simple(indent: str) -> st.SearchStrategy[list[str]]:
    return st.one_of(
        st.tuples(name, expr).map(lambda p: [f"{indent}{p[0]} = {p[1]}"]),
        st.tuples(name, expr).map(lambda p: [f"{indent}{p[0]} += {p[1]}"]),
        st.tuples(name, expr).map(lambda p: [f"{indent}{p[0]}.items.append({p[1]})"]),
        st.tuples(name, expr).map(lambda p: [f"{indent}{p[0]}.x = {p[1]}"]),
        expr.map(lambda e: [f"{indent}return {e}"]),
    )


def block(indent: str, depth: int) -> st.SearchStrategy[list[str]]:
    statement = simple(indent)
    if depth > 0:
        inner = block(indent + "    ", depth - 1)
        statement = st.one_of(
            statement,
            st.tuples(cond, inner).map(lambda p: [f"{indent}if {p[0]}:", *p[1]]),
            st.tuples(cond, inner, inner).map(
                lambda p: [f"{indent}if {p[0]}:", *p[1], f"{indent}else:", *p[2]]
            ),
            st.tuples(name, name, inner).map(lambda p: [f"{indent}for {p[0]} in {p[1]}:", *p[2]]),
            st.tuples(cond, inner).map(lambda p: [f"{indent}while {p[0]}:", *p[1]]),
        )
    return st.lists(statement, min_size=1, max_size=4).map(lambda b: [s for x in b for s in x])


functions = st.tuples(st.lists(name, max_size=3, unique=True), block("    ", 2)).map(
    lambda p: (
        "def helper(v):\n    return v\n\n\ndef target("
        + ", ".join(p[0])
        + "):\n"
        + "\n".join(p[1])
        + "\n"
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(functions)
def test_every_generated_expression_parses_and_reads_only_names_in_scope(source: str) -> None:
    analysis = analyze_source(source.encode(), "generated.py")
    assert not analysis.syntax_error_lines, source
    target = next(f for f in analysis.functions if f.name == "target")
    for line in range(target.start_line + 1, target.end_line + 1):
        for probe in probes_at_line(analysis, line):
            assert_probe_is_safe(analysis, probe)


@pytest.mark.parametrize(
    "file", ["handlers.js", "service.ts", "widget.tsx", "guards.py", "shop.py", "broken.py"]
)
def test_every_probe_of_every_line_is_safe(file: str) -> None:
    analysis = analyze_file(DATA / file)
    for line in range(1, analysis.line_count + 1):
        for probe in probes_at_line(analysis, line):
            assert_probe_is_safe(analysis, probe)
