"""The language server's pure parts, called directly: places following edits, titles, the
initialization options table, finding a fix on its line, and the analysis of unsaved text."""

from __future__ import annotations

import pytest

from dap_proxy.analysis.models import Probe, ProbeKind
from dap_proxy.analysis.probes import probes_for_file, probes_for_source
from dap_proxy.hypotheses.models import (
    CodeLocation,
    Evidence,
    EvidenceSource,
    Hypothesis,
    HypothesisStatus,
)
from lsp.engine import find_span
from lsp.labels import change_words, hypothesis_title, suggestion_title
from lsp.options import DEFAULT_MAX_LENSES, read_options
from lsp.records import fixing_mutants
from lsp.text import LineChange, follow, relocate, split_lines

LINES = ["def f(x):", "    if x > 3:", "        return 1", "    return 0"]


@pytest.mark.parametrize(
    ("change", "after", "line", "expected"),
    [
        # two lines inserted above: moved down
        (LineChange(0, 0, 2), ["# a", "# b", *LINES], 2, 4),
        # Enter at the start of the line: pushed down by one
        (LineChange(1, 1, 1), [LINES[0], "", *LINES[1:]], 2, 3),
        # the line itself edited: gone
        (LineChange(1, 1, 0), [LINES[0], "    if x >= 3:", *LINES[2:]], 2, None),
        # the line above deleted: moved up
        (LineChange(0, 1, 0), LINES[1:], 2, 1),
        # an edit below: unchanged
        (LineChange(3, 3, 0), [*LINES[:3], "    return -1"], 2, 2),
        # the whole text replaced: found again by its code
        (LineChange(None), ["import os", "", *LINES], 2, 4),
    ],
)
def test_a_place_follows_edits_or_goes_when_its_code_changed(change, after, line, expected):
    assert follow(line, LINES[line - 1], [change], after) == expected


def test_relocate_finds_the_nearest_line_with_the_same_code():
    lines = ["x = 1", "  y = 2  ", "x = 1", "z = 3"]
    assert relocate(lines, 2, "y = 2") == 2
    assert relocate(lines, 4, "x   =   1") == 3  # whitespace is folded; nearest wins
    assert relocate(lines, 1, "gone()") is None
    assert relocate(lines, 1, "   ") == 1  # no code recorded: the line itself
    assert split_lines("a\r\nb\n") == ["a", "b", ""]


def test_titles():
    probe = Probe(
        kind=ProbeKind.LOGPOINT,
        file="cart.py",
        line=28,
        log_message="[smart-debug] discount:28: count={count}",
        reason="decision node: the values it tests",
        score=0.72,
    )
    assert (
        suggestion_title(probe, False)
        == "Smart Debug: logpoint count={count} · decision node · 0.72"
    )
    conditional = probe.model_copy(
        update={"kind": ProbeKind.CONDITIONAL, "log_message": None, "condition": "count == 10"}
    )
    assert suggestion_title(conditional, True).startswith(
        "Smart Debug: accepted breakpoint if count == 10 · "
    )
    hit = probe.model_copy(
        update={"kind": ProbeKind.HIT_COUNT, "log_message": None, "hit_condition": ">=2"}
    )
    assert "breakpoint on hit >=2" in suggestion_title(hit, False)
    hypothesis = Hypothesis(
        id="H1",
        statement="s",
        category="logic_error",
        pattern="off_by_one",
        probability=61.6,
        status=HypothesisStatus.SUPPORTED,
    )
    where = CodeLocation(file="a.py", line=3, role="loop bound")
    assert (
        hypothesis_title(hypothesis, where, 1)
        == "H1 62% · off-by-one in the loop bound · confirmed by a mutant"
    )
    assert (
        hypothesis_title(hypothesis, CodeLocation(file="a.py", line=3), 0)
        == "H1 62% · off-by-one · supported"
    )


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("count > LIMIT", "count >= LIMIT", "`>` -> `>=`"),
        ("10", "9", "`10` -> `9`"),
        ("a.b(x)", "a.c(x)", "`b` -> `c`"),
        ("x", "x + 1", "`x` -> `x + 1`"),
    ],
)
def test_change_words_shows_the_smallest_difference(old, new, shown):
    assert change_words(old, new) == shown


def test_find_span_tolerates_spacing():
    assert find_span("    if count > LIMIT:", "count > LIMIT") == (7, 20)
    assert find_span("    if count>LIMIT:", "count > LIMIT") == (7, 18)
    assert find_span("    pass", "count > LIMIT") is None


def test_fixing_mutants_reads_localize_observations():
    fixed = Evidence(
        observation="perturbation experiment on line 28: `count > T` -> `count >= T` -> fixed "
        "(fixed 2 of 2 failing tests, changed 0, broke 0 of 6 passing tests rerun)",
        source=EvidenceSource.EXPERIMENT,
        value="fixed",
    )
    broke = fixed.model_copy(update={"value": "fix breaks passing tests"})
    hypothesis = Hypothesis(
        id="H1",
        statement="s",
        category="logic_error",
        probability=50,
        supporting_evidence=[fixed, broke],
    )
    [(line, old, new, detail)] = fixing_mutants(hypothesis)
    assert (line, old, new) == (28, "count > T", "count >= T")
    assert detail.startswith("(fixed 2 of 2")


def test_options_defaults_and_bad_entries():
    options, problems = read_options(None)
    assert options.maxLensesPerFile == DEFAULT_MAX_LENSES and problems == []
    options, problems = read_options(
        {"maxLensesPerFile": 3, "lenses": {"hypotheses": False, "colour": "red"}, "ai": 1}
    )
    assert options.maxLensesPerFile == 3  # kept
    assert options.lenses.hypotheses is False  # kept: only the unknown key next to it goes
    assert options.ai == "off"
    assert len(problems) == 2 and all("using its default" in p for p in problems)
    options, problems = read_options({"localize": {"testCommand": ["pytest", 3]}})
    assert options.localize.testCommand is None and "localize.testCommand" in problems[0]
    options, problems = read_options(["not", "an", "object"])
    assert "must be an object" in problems[0]


def test_probes_for_source_reads_the_unsaved_text(tmp_path):
    saved = "def f(x):\n    return x\n"
    path = tmp_path / "mod.py"
    path.write_text(saved)
    buffer = (
        saved
        + "\n\ndef g(items, limit):\n    if len(items) > limit:\n        raise ValueError(limit)\n    return items\n"
    )
    on_disk = probes_for_file(path, 10)
    in_buffer = probes_for_source(buffer, str(path), 10)
    assert {p.line for p in in_buffer} - {p.line for p in on_disk}, "the unsaved function has none"
    assert all(p.file == str(path) for p in in_buffer)
    assert probes_for_source(b"x = 1\n\0\0", str(path), 10) == []
    assert probes_for_source(buffer, str(tmp_path / "notes.txt"), 10) == []
