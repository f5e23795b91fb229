"""Data flow on real files: def-use chains, names in scope, certainly-bound names and backward
slices (lines found by `# @marker` comments, STYLE.md 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dap_proxy.analysis.dataflow import (
    backward_slice,
    bound_names,
    def_use,
    find_function,
    function_at,
    names_in_scope,
    uses_at,
)
from dap_proxy.analysis.engine import analyze_file
from dap_proxy.analysis.models import FileAnalysis

DATA = Path(__file__).parent.parent / "data" / "analysis"


def marker(path: Path, name: str) -> int:
    for number, text in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if text.rstrip().endswith(f"@{name}"):
            return number
    raise AssertionError(f"marker @{name} not in {path}")


@pytest.fixture(scope="module")
def guards() -> FileAnalysis:
    return analyze_file(DATA / "guards.py")


def at(name: str, file: str = "guards.py") -> int:
    return marker(DATA / file, name)


def test_function_at_and_find_function(guards: FileAnalysis) -> None:
    function = function_at(guards, at("crash-then"))
    assert function is not None and function.qualname == "ratio"
    assert function_at(guards, 3) is None  # module level
    assert find_function(guards, "depth") is not None
    assert find_function(guards, "missing") is None


def test_def_use_chains(guards: FileAnalysis) -> None:
    flow = def_use(guards, "totals")
    assert flow.parameters == ["rows"]
    assert flow.definitions["total"] == [at("total-init"), at("accumulate")]
    assert at("crash-total") in flow.uses["total"]
    # Comprehension variables are the comprehension's own, not the function's.
    assert flow.definitions["row"] == [at("loop")]
    chain = next(c for c in flow.chains if c.name == "total" and c.def_line == at("total-init"))
    assert at("accumulate") in chain.use_lines and at("crash-total") in chain.use_lines
    # The loop's own update reaches its next iteration (back edge).
    chain = next(c for c in flow.chains if c.name == "total" and c.def_line == at("accumulate"))
    assert at("accumulate") in chain.use_lines
    assert "len" in flow.free_names


def test_def_use_of_unknown_function_raises(guards: FileAnalysis) -> None:
    with pytest.raises(KeyError, match="no function named"):
        def_use(guards, "nope")


def test_names_in_scope(guards: FileAnalysis) -> None:
    names = names_in_scope(guards, at("crash-total"))
    assert {"rows", "total", "doubled", "row", "LIMIT", "ratio", "helper"} <= names
    assert "len" not in names  # builtins are not user names
    early = names_in_scope(guards, at("total-init"))
    assert "total" not in early and "doubled" not in early and "rows" in early


def test_bound_names_excludes_branch_local_and_loop_names(guards: FileAnalysis) -> None:
    after_loop = bound_names(guards, at("crash-total"))
    assert {"rows", "total", "doubled"} <= after_loop
    assert "row" not in after_loop  # bound only if the loop ran
    inside = bound_names(guards, at("accumulate"))
    assert "row" in inside


def test_uses_at(guards: FileAnalysis) -> None:
    assert uses_at(guards, at("crash-total")) == ["doubled", "len", "total"]


def test_backward_slice_data_and_control(guards: FileAnalysis) -> None:
    lines = backward_slice(guards, at("crash-total"))
    assert at("crash-total") in lines
    assert {at("total-init"), at("accumulate"), at("comprehension"), at("loop")} <= set(lines)
    assert at("accumulate") - 2 in lines  # `if row.skip: continue` decides the accumulate


def test_backward_slice_of_one_variable(guards: FileAnalysis) -> None:
    lines = backward_slice(guards, at("crash-total"), "doubled")
    assert at("comprehension") in lines and at("total-init") not in lines


def test_backward_slice_follows_an_early_exit(guards: FileAnalysis) -> None:
    lines = backward_slice(guards, at("crash-after-guard"))
    assert at("guard") in lines and at("first") in lines


def test_javascript_data_flow() -> None:
    analysis = analyze_file(DATA / "handlers.js")
    flow = def_use(analysis, "loadConfig")
    assert flow.parameters == ["path", "fallback"]
    # `config.loaded = true` is a (weak) definition of config too: it changes its state.
    mutation = at("js-mutation", "handlers.js")
    assert flow.definitions["config"] == [mutation - 1, mutation]
    crash = at("js-crash", "handlers.js")
    assert {"config", "raw", "path", "fs"} <= names_in_scope(analysis, crash)
    lines = backward_slice(analysis, crash)
    assert at("js-read", "handlers.js") in lines and at("js-mutation", "handlers.js") in lines


def test_typescript_parameters_and_slice() -> None:
    analysis = analyze_file(DATA / "service.ts")
    flow = def_use(analysis, "orderTotal")
    assert flow.parameters == ["orders", "discount"]
    lines = backward_slice(analysis, at("ts-crash", "service.ts"))
    assert at("ts-loop", "service.ts") in lines and at("ts-guard", "service.ts") in lines


def test_data_flow_is_cached_per_function(guards: FileAnalysis) -> None:
    from dap_proxy.analysis.dataflow import flow_of

    function = find_function(guards, "totals")
    assert flow_of(guards, function) is flow_of(guards, function)


def test_a_line_with_an_inline_callback_belongs_to_the_statement_around_it() -> None:
    from dap_proxy.analysis.engine import analyze_source

    source = b"function outer(items) {\n  return items.map((x) => x + 1);\n}\n"
    analysis = analyze_source(source, "inline.js")
    function = function_at(analysis, 2)
    assert function is not None and function.name == "outer"
    assert function_at(analysis, 2, name="items.map-callback@2") is not function
    one_line = analyze_source(b"def f(x): return x\n", "one.py")
    found = function_at(one_line, 1)
    assert found is not None and found.name == "f"


def test_required_modules_are_code_not_data() -> None:
    from dap_proxy.analysis.dataflow import code_names

    analysis = analyze_file(DATA / "handlers.js")
    read = at("js-read", "handlers.js")
    assert "fs" in names_in_scope(analysis, read)  # bound...
    assert "fs" in code_names(analysis, read)  # ...but never printed by a logpoint


BINDINGS = b"""import os.path, json as j
from typing import Any as A
TABLE = {"a": 1, "b": [x for x in range(3)]}
first = second = len(TABLE)
left, right = pair = (1, 2)
SIZE = (n := 10) * 2
ALL = [y for v in range(3) if (y := v)]
LABEL = f"{(tag := 'x')}"
CALLBACK = lambda k=(kw := 1): k
COUNT: int = 0
COUNT += 1
ONLY: int
TABLE["c"] = obj.attr = 3
def helper(a=(d := 4)): pass
@decorate(flag := True)
class Thing(Base if (base := 1) else object): pass
for item in TABLE: pass
with open(os.path.join("x")) as handle: pass
try:
    import missing
except ImportError as error:
    missing = None
if __name__ == "__main__" and (mode := "cli"):
    main = True
match mode:
    case {"k": bound}: pass
"""


@pytest.mark.parametrize("source", [BINDINGS, (DATA / "guards.py").read_bytes()])
def test_the_bindings_walk_finds_every_binding_the_full_walk_does(source: bytes) -> None:
    # What the module binds comes from a walk that skips reading values without `:=`; it must
    # give the full walk's definitions (name, line, branches, strength) and code names.
    from dap_proxy.analysis.engine import analyze_source
    from dap_proxy.analysis.flowwalk import BindingsWalker, FunctionFlow, Walker

    analysis = analyze_source(source, "bindings.py")
    flows = []
    for walker_class in (Walker, BindingsWalker):
        flow = FunctionFlow("<module>", 1, analysis.line_count)
        walker = walker_class(flow, True, source)
        for statement in analysis._tree.root_node.named_children:
            walker.visit(statement)
        flows.append(flow)
    full, bindings = flows
    assert bindings.defs == full.defs and bindings.code_names == full.code_names
    if source is BINDINGS:
        names = {d.name for d in full.defs}
        assert {"n", "y", "tag", "d", "flag", "base", "mode", "bound", "pair"} <= names
        assert {"first", "second", "handle", "error", "missing", "COUNT"} <= names
        assert "ONLY" not in names and "x" not in names and "v" not in names
        assert {"os", "j", "A", "helper", "Thing"} <= full.code_names
        # Only values that may hold a `:=` were read.
        walrus_lines = {i for i, text in enumerate(source.split(b"\n"), 1) if b":=" in text}
        assert set(bindings.uses) <= walrus_lines and len(full.uses) > len(bindings.uses)


def test_module_names_are_the_same_before_and_after_the_module_flow_is_built() -> None:
    from dap_proxy.analysis.dataflow import _module_names, code_names, flow_of
    from dap_proxy.analysis.engine import analyze_source

    light = analyze_source(BINDINGS, "light.py")
    names, code = _module_names(light), code_names(light, 1)
    full = analyze_source(BINDINGS, "full.py")
    flow_of(full, None)  # the module's flow first: both read it then
    assert _module_names(full) == names and code_names(full, 1) == code
    assert "n" in names_in_scope(light, 20) and "missing" in names_in_scope(light, 24)
