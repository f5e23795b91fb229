"""Failure context -> ranked candidate probes, on the marked test files: the crash-line
logpoint first, then the entry logpoint, the guarding decision as a conditional breakpoint,
logpoints on the backward slice, hit counts for recursion; whole-file mode; JS/TS too."""

from __future__ import annotations

from pathlib import Path

import pytest

from dap_proxy.analysis.engine import analyze_file
from dap_proxy.analysis.models import ExceptionInfo, FactKind, Frame, ParsedFailure, ProbeKind
from dap_proxy.analysis.probes import (
    candidate_probes,
    facts_in_lines,
    probes_at_line,
    probes_for_file,
)

DATA = Path(__file__).parent.parent / "data" / "analysis"


def at(name: str, file: str = "guards.py") -> int:
    for number, text in enumerate((DATA / file).read_text().splitlines(), start=1):
        if text.rstrip().endswith(f"@{name}"):
            return number
    raise AssertionError(f"marker @{name} not in {file}")


def failure(*frames: tuple[str, int], library: tuple[str, int] | None = None) -> ParsedFailure:
    listed = [Frame(file=str(DATA / f), line=line) for f, line in frames]
    if library is not None:
        listed.append(Frame(file=library[0], line=library[1], is_library=True))
    return ParsedFailure(exceptions=[ExceptionInfo(type="ZeroDivisionError", frames=listed)])


def test_crash_inside_a_branch() -> None:
    crash = at("crash-then")
    probes = candidate_probes(failure(("guards.py", crash)), limit=10)
    first = probes[0]
    assert (first.kind, first.line) == (ProbeKind.LOGPOINT, crash)
    assert first.log_message == f"[smart-debug] ratio:{crash}: a={{a}}, b={{b}}, scale={{scale}}"
    assert [p.score for p in probes] == sorted((p.score for p in probes), reverse=True)
    entry = next(p for p in probes if "entry of ratio" in p.reason)
    assert entry.log_message is not None and "mode={mode}" in entry.log_message
    guard = next(p for p in probes if p.kind == ProbeKind.CONDITIONAL)
    assert guard.line == at("if-fast")
    assert guard.condition == 'mode == "fast" and b >= 0'
    assert any(f.kind == FactKind.DECISION for f in guard.facts)


def test_crash_in_an_else_branch_puts_the_negated_condition_on_the_if_line() -> None:
    probes = candidate_probes(failure(("guards.py", at("crash-else"))), limit=10)
    guard = next(p for p in probes if p.kind == ProbeKind.CONDITIONAL)
    assert guard.line == at("if-fast")  # `else:` itself never gets a line event
    assert guard.condition == 'not (mode == "fast" and b >= 0) and not (mode is None)'


def test_condition_with_a_call_becomes_a_logpoint() -> None:
    analysis = analyze_file(DATA / "guards.py")
    probes = probes_at_line(analysis, at("crash-call-guard"))
    assert not any(p.kind == ProbeKind.CONDITIONAL for p in probes)
    guard = next(p for p in probes if p.line == at("call-condition"))
    assert guard.kind == ProbeKind.LOGPOINT and "value={value}" in (guard.log_message or "")


def test_slice_logpoints_and_loop() -> None:
    probes = candidate_probes(failure(("guards.py", at("crash-total"))), limit=10)
    lines = {p.line: p for p in probes}
    assert at("accumulate") in lines and "sets total" in lines[at("accumulate")].reason
    assert at("comprehension") in lines
    assert lines[at("accumulate")].facts[0].kind == FactKind.MUTATION


def test_recursion_gets_a_hit_count_breakpoint() -> None:
    probes = candidate_probes(failure(("guards.py", at("mutation"))), limit=10)
    hit = next(p for p in probes if p.kind == ProbeKind.HIT_COUNT)
    assert hit.line == at("recursive")
    assert hit.hit_condition == ">=2"
    assert any(f.kind == FactKind.RECURSION for f in hit.facts)


def test_outer_frames_get_call_site_logpoints_and_library_frames_are_skipped() -> None:
    shop = DATA / "shop.py"
    text = shop.read_text().splitlines()
    call = next(i for i, t in enumerate(text, 1) if "cart.average(" in t)
    crash = next(i for i, t in enumerate(text, 1) if "return total / count" in t)
    probes = candidate_probes(
        failure(("shop.py", call), ("shop.py", crash), library=("/usr/lib/python3/x.py", 3)),
        limit=20,
    )
    assert probes[0].line == crash
    caller = next(p for p in probes if p.line == call)
    assert "call site" in caller.reason and caller.score < probes[0].score
    assert all(p.file.endswith("shop.py") for p in probes)


def test_failing_test_without_frames_probes_its_assertions(tmp_path: Path) -> None:
    test_file = tmp_path / "test_math.py"
    test_file.write_text("def test_sum():\n    total = 1 + 1\n    assert total == 3\n")
    parsed = ParsedFailure(failing_tests=["test_math.py::test_sum"])
    probes = candidate_probes(parsed, workspace=tmp_path)
    assert probes and probes[0].line == 3
    assert probes[0].log_message is not None and "total={total}" in probes[0].log_message


def test_file_and_function_mode() -> None:
    probes = candidate_probes(None, [DATA / "guards.py"], function="totals", limit=5)
    assert probes and all(p.file.endswith("guards.py") for p in probes)
    assert probes[0].line == at("total-init")  # the entry logpoint prints the parameters
    assert "rows={rows}" in (probes[0].log_message or "")


def test_whole_file_mode() -> None:
    probes = probes_for_file(DATA / "shop.py", limit=3)
    assert len(probes) == 3
    assert len({p.line for p in probes}) == 3
    assert all(0 < p.score <= 1 for p in probes)


@pytest.mark.parametrize(
    ("file", "crash", "expected"),
    [
        ("handlers.js", "js-crash", "config={config}"),
        ("service.ts", "ts-crash", "discount={discount}"),
    ],
)
def test_ecmascript_crash_probes(file: str, crash: str, expected: str) -> None:
    probes = candidate_probes(failure((file, at(crash, file))), limit=10)
    assert probes[0].line == at(crash, file) and expected in (probes[0].log_message or "")


def test_typescript_guard_condition() -> None:
    probes = candidate_probes(failure(("service.ts", at("ts-throw", "service.ts"))), limit=10)
    guard = next(p for p in probes if p.kind == ProbeKind.CONDITIONAL)
    assert guard.line == at("ts-guard", "service.ts")
    assert guard.condition == "(discount !== undefined && discount > total)"


def test_unreadable_frames_are_skipped() -> None:
    parsed = ParsedFailure(
        exceptions=[ExceptionInfo(type="E", frames=[Frame(file="/no/such/file.py", line=3)])]
    )
    assert candidate_probes(parsed) == []


def test_facts_in_lines() -> None:
    analysis = analyze_file(DATA / "guards.py")
    start, end = at("total-init"), at("crash-total")
    facts = facts_in_lines(analysis, start, end)
    assert facts and all(start <= f.start_line <= end for f in facts)
    assert {FactKind.LOOP, FactKind.MUTATION, FactKind.RETURN} <= {f.kind for f in facts}


def test_probe_becomes_a_source_breakpoint() -> None:
    probes = candidate_probes(failure(("guards.py", at("crash-then"))), limit=10)
    guard = next(p for p in probes if p.kind == ProbeKind.CONDITIONAL)
    assert guard.to_source_breakpoint() == {"line": guard.line, "condition": guard.condition}


def test_deep_recursion_in_the_traceback_gives_a_hit_count_near_the_failing_depth() -> None:
    recursive = at("recursive")
    frames = [Frame(file=str(DATA / "guards.py"), line=recursive, function="depth")] * 3
    frames[-1] = Frame(
        file=str(DATA / "guards.py"), line=at("mutation"), function="depth", repeated=20
    )
    parsed = ParsedFailure(exceptions=[ExceptionInfo(type="RecursionError", frames=frames)])
    probes = candidate_probes(parsed, limit=10)
    hit = next(p for p in probes if p.kind == ProbeKind.HIT_COUNT)
    assert hit.line == recursive
    assert hit.hit_condition == ">=21"  # 3 frames + 20 folded repeats, two levels up
    assert "23 calls deep" in hit.reason


def test_whole_file_mode_uses_arithmetic_as_a_prior(tmp_path: Path) -> None:
    path = tmp_path / "calc.py"
    path.write_text("def mean(values, count):\n    total = sum(values)\n    return total / count\n")
    probes = probes_for_file(path, limit=5)
    division = next(p for p in probes if p.line == 3)
    assert any(f.kind == FactKind.ARITHMETIC for f in division.facts)
    assert "count={count}" in (division.log_message or "")


def test_a_frame_is_relocated_when_the_file_moved_its_line(tmp_path: Path) -> None:
    source = (DATA / "guards.py").read_text()
    crash = at("crash-total")
    moved = tmp_path / "guards.py"
    moved.write_text("# two new lines\n# at the top\n" + source)
    frame = Frame(file=str(moved), line=crash, code="return total / len(doubled)  # @crash-total")
    parsed = ParsedFailure(exceptions=[ExceptionInfo(type="ZeroDivisionError", frames=[frame])])
    probes = candidate_probes(parsed, limit=3)
    assert probes[0].line == crash + 2


def test_probes_for_source_reads_unsaved_text_like_the_file(tmp_path: Path) -> None:
    from dap_proxy.analysis.probes import probes_for_file, probes_for_source

    text = (
        "def pick(items, limit):\n"
        "    out = []\n"
        "    for item in items:\n"
        "        if item > limit:\n"
        "            out.append(item)\n"
        "    return out\n"
    )
    path = tmp_path / "pick.py"
    path.write_text(text, encoding="utf-8")
    from_file = [(p.line, p.kind, p.log_message) for p in probes_for_file(path, 5)]
    assert from_file == [
        (p.line, p.kind, p.log_message) for p in probes_for_source(text, "pick.py")
    ]
    # an unsaved edit is what gets read: the decision moved one line down
    edited = text.replace("    out = []\n", "    out = []\n    seen = 0\n")
    lines = {
        p.line for p in probes_for_source(edited, "pick.py") if p.reason.startswith("decision")
    }
    assert lines == {5}
    assert probes_for_source("\0binary", "blob.py") == []


def test_a_logpoint_built_without_validation_is_the_validated_one() -> None:
    # `new_logpoint` skips pydantic: it must stay the object validation gives (fields, order,
    # the fields counted as set), or a field added to `Probe` would be missing from it.
    from dap_proxy.analysis.models import Probe, ProbeKind
    from dap_proxy.analysis.nodes import new_logpoint

    values = {"file": "f.py", "line": 3, "log_message": "x={x}", "reason": "why", "score": 0.5}
    fast = new_logpoint(facts=[], **values)  # type: ignore[arg-type]
    validated = Probe(kind=ProbeKind.LOGPOINT, facts=[], **values)  # type: ignore[arg-type]
    assert fast == validated and list(fast.__dict__) == list(validated.__dict__)
    assert fast.model_fields_set == validated.model_fields_set
    assert fast.model_dump_json() == validated.model_dump_json()


def test_a_function_is_walked_only_when_a_probe_inside_it_is_read() -> None:
    # The entry probe needs the parameters only; the data-flow walk (the costly part) waits
    # until a candidate's expressions are read, and a continuation line then gives no probe.
    from dap_proxy.analysis.dataflow import find_function, flow_key, flow_of, parameters_of
    from dap_proxy.analysis.engine import analyze_source
    from dap_proxy.analysis.probes import _static_candidates

    source = (
        b"def clamp(value, low, high):\n"
        b"    if value < low:\n"
        b"        return low\n"
        b"    result = max(\n"
        b"        high if value > high else value, low)\n"
        b"    return result\n"
    )
    analysis = analyze_source(source, "clamp.py")
    function = find_function(analysis, "clamp")
    assert function is not None
    walked = flow_key(function)
    assert parameters_of(analysis, function) == ["value", "low", "high"]
    candidates = _static_candidates(analysis, function, 1.0)
    assert candidates[0].entry is not None and walked not in analysis.memo
    by_line = {c.line: c for c in candidates}
    assert 5 in by_line  # the ternary's line holds a decision but starts no statement
    assert by_line[5].probe(analysis) is None and walked in analysis.memo
    assert by_line[2].probe(analysis) is not None
    assert parameters_of(analysis, function) is flow_of(analysis, function).parameters
