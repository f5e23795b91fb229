"""The whole-file pass on awkward input (syntax errors, invalid UTF-8, binary, huge, unknown
extensions, unreadable paths) and its cache: unchanged content is not reanalysed, an edit is
reparsed incrementally and gives the same result as a fresh analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dap_proxy.analysis.dataflow import def_use, find_function, names_in_scope
from dap_proxy.analysis.engine import (
    AnalysisError,
    analyze_file,
    analyze_source,
    clear_cache,
)
from dap_proxy.analysis.models import FactKind, FileAnalysis

DATA = Path(__file__).parent.parent / "data" / "analysis"
THREAD_TIMEOUT = 30  # seconds: two threads analysing 30 one-line functions each


def test_syntax_errors_still_yield_facts_for_what_parses() -> None:
    analysis = analyze_file(DATA / "broken.py")
    assert analysis.syntax_error_lines, "the broken function is reported"
    names = {f.name for f in analysis.functions}
    assert {"good", "after"} <= names
    kinds = {(f.kind, f.function) for f in analysis.facts}
    assert (FactKind.DECISION, "good") in kinds
    assert (FactKind.LOOP, "after") in kinds


def test_invalid_utf8_is_tolerated() -> None:
    analysis = analyze_file(DATA / "latin1.py")
    assert analysis.refused is None
    decision = next(f for f in analysis.facts if f.kind == FactKind.DECISION)
    assert decision.names == ["x"]
    assert any("\ufffd" in f.text for f in analysis.facts)  # replaced, not crashed


def test_binary_is_refused_with_a_reason() -> None:
    analysis = analyze_source(b"\x7fELF\x00\x00\x01binary", "blob.py")
    assert analysis.refused is not None and "binary" in analysis.refused
    assert analysis.facts == [] and analysis.functions == []


def test_huge_is_refused_with_a_reason_and_the_limit_is_configurable() -> None:
    source = b"x = 1\n" * 1000
    refused = analyze_source(source, "big.py", max_bytes=100)
    assert refused.refused is not None and "too large" in refused.refused
    assert "SMART_DEBUG_MAX_FILE_BYTES" in refused.refused
    assert analyze_source(source, "big.py", max_bytes=10_000).refused is None


def test_unknown_extension_needs_a_language() -> None:
    with pytest.raises(AnalysisError, match="pass language="):
        analyze_source(b"x = 1\n", "notes.txt")
    assert analyze_source(b"def f():\n    pass\n", "notes.txt", "python").functions


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unsupported language 'cobol'"):
        analyze_source(b"x", "a.cbl", "cobol")


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_paths_raise_analysis_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nope.py" if kind == "missing" else tmp_path
    with pytest.raises(AnalysisError, match="no such file|is a directory"):
        analyze_file(path)


def test_threads_get_their_own_parser() -> None:
    import threading

    from dap_proxy.analysis.languages import shared_parser

    seen: dict[str, object] = {}  # the parsers themselves: ids of freed objects get reused
    results: dict[str, list[str]] = {}

    def work(name: str) -> None:
        seen[name] = shared_parser("python")
        sources = [f"def {name}{i}(a):\n    return a / {i}\n".encode() for i in range(30)]
        results[name] = [analyze_source(s, "t.py").functions[0].name for s in sources]

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert seen["a"] is not seen["b"]
    assert results["a"] == [f"a{i}" for i in range(30)]
    assert results["b"] == [f"b{i}" for i in range(30)]


def test_empty_file() -> None:
    analysis = analyze_source(b"", "empty.py")
    assert analysis.facts == [] and analysis.line_count == 0


def test_cache_returns_the_same_analysis_for_unchanged_content(tmp_path: Path) -> None:
    clear_cache()
    path = tmp_path / "mod.py"
    path.write_text("def f(a):\n    return a\n")
    first = analyze_file(path)
    assert analyze_file(path) is first
    path.write_text("def f(a):\n    if a:\n        return 1\n    return a\n")
    second = analyze_file(path)
    assert second is not first and second.content_hash != first.content_hash
    assert any(f.kind == FactKind.DECISION for f in second.facts)


CLASS_MODULE = """import os


class Store:
    @app.route("/x")
    def view(self, request):
        total = 0
        for item in request.items:
            total += item
        return total

    def save(self, path):
        with open(path) as fh:
            fh.write("x")
        return self.save(path)


def after(n):
    if n:
        return after(n - 1)
    return os.getcwd()
"""

JS_MODULE = """const fs = require("fs");
class Box {
  grow(step) {
    this.size += step;
    return this.size;
  }
}
function later(p) {
  return fs.readFileSync(p);
}
app.get("/u", (req, res) => {
  res.send(1);
});
"""


def _edits() -> list[tuple[str, str, str]]:
    rows = [
        ("a.py", "def f(a):\n    return a\n", "def f(a):\n    x = a * 2\n    return x\n"),
        ("a.py", "def f(a):\n    if a:\n        return 1\n", "def f(a):\n    return 1\n"),
        ("a.py", "x = 1\n", "def g(n):\n    return g(n - 1)\nx = 1\n"),
        ("a.py", "def f(a):\n    return a\n", ""),
    ]
    # Edits inside one function body: the region path (same lines, more lines, fewer lines).
    body = "            total += item\n"
    rows.append(
        ("m.py", CLASS_MODULE, CLASS_MODULE.replace(body, "            total += item * 2\n"))
    )
    rows.append(
        (
            "m.py",
            CLASS_MODULE,
            CLASS_MODULE.replace(
                body,
                body
                + "            os.remove(item)\n            if total > 3:\n                break\n",
            ),
        )
    )
    rows.append(
        (
            "m.py",
            CLASS_MODULE,
            CLASS_MODULE.replace('        with open(path) as fh:\n            fh.write("x")\n', ""),
        )
    )
    rows.append(
        (
            "m.py",
            CLASS_MODULE,
            CLASS_MODULE.replace("return after(n - 1)", "return after(n - 2) + after(0)"),
        )
    )
    rows.append(
        (
            "m.py",
            CLASS_MODULE,
            CLASS_MODULE.replace("def save(self, path):", "def save(self, path, mode):"),
        )
    )
    rows.append(
        (
            "m.js",
            JS_MODULE,
            JS_MODULE.replace("this.size += step;", "this.size += step;\n    this.grow(step);"),
        )
    )
    rows.append(
        ("m.js", JS_MODULE, JS_MODULE.replace("res.send(1);", "res.send(fs.readFileSync(2));"))
    )
    rows.append(("m.py", CLASS_MODULE, CLASS_MODULE.replace("total = 0", "total = (0")))  # breaks
    return rows


def _canonical(analysis: FileAnalysis) -> dict[str, object]:
    dumped = analysis.model_dump(mode="json")
    dumped["facts"] = sorted(dumped["facts"], key=lambda f: json.dumps(f, sort_keys=True))
    return dumped


@pytest.mark.parametrize(("name", "before", "after"), _edits())
def test_incremental_reanalysis_matches_a_fresh_analysis(
    tmp_path: Path, name: str, before: str, after: str
) -> None:
    assert before != after
    clear_cache()
    path = tmp_path / name
    path.write_text(before)
    analyze_file(path)
    path.write_text(after)
    incremental = analyze_file(path)
    fresh = analyze_source(after.encode(), str(path))
    assert _canonical(incremental) == _canonical(fresh)


def test_region_reanalysis_keeps_data_flow_working(tmp_path: Path) -> None:
    clear_cache()
    path = tmp_path / "m.py"
    path.write_text(CLASS_MODULE)
    analyze_file(path)
    edited = CLASS_MODULE.replace("        total = 0\n", "        total = 0\n        seen = []\n")
    path.write_text(edited)
    analysis = analyze_file(path)
    line = next(i for i, t in enumerate(edited.splitlines(), 1) if "return total" in t)
    assert {"total", "seen", "request"} <= names_in_scope(analysis, line)
    save = find_function(analysis, "save")
    assert save is not None and def_use(analysis, save).parameters == ["self", "path"]


def test_facts_carry_file_lines_function_and_text() -> None:
    analysis = analyze_file(DATA / "shop.py")
    mutation = next(f for f in analysis.facts if f.reason == "mutating call .append()")
    assert mutation.file.endswith("shop.py")
    assert mutation.function == "Cart.add"
    assert mutation.names == ["self"]
    assert mutation.text == "self.items.append((name, price, qty))"
    assert mutation.start_line == mutation.end_line
    functions = {f.qualname: f for f in analysis.functions}
    average = functions["Cart.average"]
    assert average.kind == "method" and average.body_line == average.start_line + 1


@pytest.mark.parametrize(
    ("old", "new", "region"),
    [
        ("total += item\n", "total += item * 2\n", True),  # inside a method body
        ("def save(self, path):", "def save(self, path, mode):", False),  # a header
        ("import os\n", "import os, sys\n", False),  # module level
    ],
)
def test_only_body_edits_take_the_region_path(old: str, new: str, region: bool) -> None:
    from dap_proxy.analysis.engine import content_hash, default_boundaries
    from dap_proxy.analysis.incremental import diff, edit_tree, reanalyze
    from dap_proxy.analysis.languages import shared_parser

    previous = analyze_source(CLASS_MODULE.encode(), "m.py")
    source = CLASS_MODULE.replace(old, new).encode()
    edit = diff(previous._source, source)
    tree = shared_parser("python").parse(
        source, edit_tree(previous._tree, previous._source, source, edit)
    )
    result = reanalyze(
        previous, source, tree, edit, default_boundaries("python"), content_hash(source)
    )
    assert (result is not None) is region
