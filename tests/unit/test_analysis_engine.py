"""The whole-file pass on awkward input (syntax errors, invalid UTF-8, binary, huge, unknown
extensions, unreadable paths) and its cache: unchanged content is not reanalysed, an edit is
reparsed incrementally and gives the same result as a fresh analysis."""

from __future__ import annotations

from pathlib import Path

import pytest

from dap_proxy.analysis.engine import (
    AnalysisError,
    analyze_file,
    analyze_source,
    clear_cache,
)
from dap_proxy.analysis.models import FactKind

DATA = Path(__file__).parent.parent / "data" / "analysis"


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


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("def f(a):\n    return a\n", "def f(a):\n    x = a * 2\n    return x\n"),
        ("def f(a):\n    if a:\n        return 1\n", "def f(a):\n    return 1\n"),
        ("x = 1\n", "def g(n):\n    return g(n - 1)\nx = 1\n"),
        ("def f(a):\n    return a\n", ""),
    ],
)
def test_incremental_reanalysis_matches_a_fresh_analysis(
    tmp_path: Path, before: str, after: str
) -> None:
    clear_cache()
    path = tmp_path / "edit.py"
    path.write_text(before)
    analyze_file(path)
    path.write_text(after)
    incremental = analyze_file(path)
    fresh = analyze_source(after.encode(), str(path))
    assert incremental.model_dump() == fresh.model_dump()


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
