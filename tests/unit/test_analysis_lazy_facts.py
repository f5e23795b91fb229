"""Facts built when read (`analyze_source(lazy_facts=True)`): the same facts, counts and probes as
the whole list gives, without building the facts nobody read; and the lookups the probes make
instead of passes over every function or name (bisection, scope tests) give the same answers
as those passes. Real files from tests/data/analysis and the interpreter's own library."""

from __future__ import annotations

import json
import sysconfig
from collections import Counter
from pathlib import Path

import pytest

from dap_proxy.analysis.dataflow import (
    flow_of,
    function_at,
    names_in_scope,
    scope_test,
    uses_at,
)
from dap_proxy.analysis.engine import analyze_source
from dap_proxy.analysis.models import Fact, FileAnalysis, FunctionInfo
from dap_proxy.analysis.pending import fact_index
from dap_proxy.analysis.probes import facts_in_lines, whole_file_probes
from dap_proxy.analysis.report import fact_counts

DATA = Path(__file__).parent.parent / "data" / "analysis"
FILES = sorted(p.name for p in DATA.iterdir() if p.suffix in (".py", ".js", ".ts", ".tsx"))
# A long real module with many functions: the probes read a few of them.
LONG_MODULE = Path(sysconfig.get_paths()["stdlib"]) / "argparse.py"


def _both(path: Path) -> tuple[FileAnalysis, FileAnalysis]:
    source = path.read_bytes()
    return analyze_source(source, str(path)), analyze_source(source, str(path), lazy_facts=True)


def _dump(facts: list[Fact]) -> str:
    return json.dumps([f.model_dump(mode="json") for f in facts])


@pytest.mark.parametrize("name", FILES)
def test_lazy_facts_are_the_facts_of_a_whole_analysis(name: str) -> None:
    eager, lazy = _both(DATA / name)
    assert "facts" not in lazy.__dict__  # nothing built yet
    assert fact_counts(lazy) == dict(Counter(f.kind for f in eager.facts))
    assert list(fact_counts(lazy)) == list(dict.fromkeys(f.kind for f in eager.facts))
    for line in range(1, eager.line_count + 1):
        assert _dump(facts_in_lines(lazy, line, line)) == _dump(facts_in_lines(eager, line, line))
    assert _dump(lazy.facts) == _dump(eager.facts)  # reading `facts` builds them all
    assert lazy.model_dump(mode="json") == eager.model_dump(mode="json")
    assert lazy.facts is lazy.facts  # built once


@pytest.mark.parametrize("limit", [1, 5, 8])
def test_whole_file_probes_are_the_same_and_build_few_facts(limit: int) -> None:
    eager, lazy = _both(LONG_MODULE)
    lazy_probes = whole_file_probes(lazy, limit)
    assert [p.model_dump(mode="json") for p in lazy_probes] == [
        p.model_dump(mode="json") for p in whole_file_probes(eager, limit)
    ]
    assert lazy_probes and "facts" not in lazy.__dict__
    made = fact_index(lazy)._built  # the facts built so far, None for the others
    assert 0 < sum(f is not None for f in made) < len(made) // 4


def test_an_analysis_given_other_facts_is_read_by_those() -> None:
    eager, _ = _both(DATA / "shop.py")
    kept = eager.facts[: len(eager.facts) // 2]
    halved = eager.model_copy(update={"facts": kept})
    assert sum(fact_counts(halved).values()) == len(kept)
    last = kept[-1].start_line
    assert facts_in_lines(halved, last + 1, last + 1) == []


def _linear_function_at(analysis: FileAnalysis, line: int) -> FunctionInfo | None:
    containing = [f for f in analysis.functions if f.start_line <= line <= f.end_line]
    if not containing:
        return None
    pool = [f for f in containing if f.start_line < line] or containing
    return max(pool, key=lambda f: (f.start_line, -f.end_line))


@pytest.mark.parametrize("name", FILES)
def test_function_at_by_bisection_is_the_innermost_function(name: str) -> None:
    analysis = analyze_source((DATA / name).read_bytes(), name)
    assert analysis.functions
    for line in range(0, analysis.line_count + 2):
        assert function_at(analysis, line) is _linear_function_at(analysis, line)


def test_function_at_on_nested_and_one_line_functions() -> None:
    source = (
        "def outer():\n"  # 1
        "    def inner(): return 1\n"  # 2
        "    x = [lambda: 2]\n"  # 3
        "    def later():\n"  # 4
        "        return inner()\n"  # 5
        "    return x\n"  # 6
        "y = 1\n"  # 7
    )
    analysis = analyze_source(source.encode(), "m.py")
    found = [function_at(analysis, n) for n in range(1, 8)]
    assert [f.qualname if f is not None else None for f in found] == [
        "outer",
        "outer",
        "outer",
        "outer",
        "outer.later",
        "outer",
        None,
    ]


@pytest.mark.parametrize("name", FILES)
def test_scope_test_answers_as_names_in_scope(name: str) -> None:
    analysis = analyze_source((DATA / name).read_bytes(), name)
    asked = {n for f in analysis.functions for n in flow_of(analysis, f).uses.get(f.body_line, ())}
    asked |= {d.name for f in analysis.functions for d in flow_of(analysis, f).defs}
    asked |= {"self", "os", "undefined_name"}
    for line in range(1, analysis.line_count + 1):
        scope = names_in_scope(analysis, line)
        test = scope_test(analysis, line)
        assert {n for n in asked | scope if n in test} == scope, line


def test_f_string_interpolations_are_read_and_string_text_is_not() -> None:
    source = 'def f(a, b):\n    print(f"{a} and {b.size:>{width}}", "c d", r"{e}")\n'
    analysis = analyze_source(source.encode(), "m.py")
    assert uses_at(analysis, 2) == ["a", "b", "print", "width"]
