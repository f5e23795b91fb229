"""Mutant generation (analysis/mutants.py): text edits at exact offsets, the rest of the
file byte-identical, every mutant compiles."""

from __future__ import annotations

from dap_proxy.analysis.mutants import mutants_for_lines

SOURCE = '''"""Doc."""
STATES = {
    ("idle", "coin"): "paying",
    ("paying", "cancel"): "paying",  # a comment kept as is
}


class Box:
    def __init__(self, limit):
        self.limit = limit
        self.items = []

    def add(self, item, size):
        if len(self.items) < self.limit:
            self.items.append(item)
        total = size * 2 - 1
        return self.items[total:]
'''


def _line(marker: str) -> int:
    return next(i for i, text in enumerate(SOURCE.splitlines(), 1) if marker in text)


def _by_description(line: int) -> dict[str, str]:
    found = mutants_for_lines("box.py", SOURCE, [line])[line]
    return {m.description: m.source for m in found}


def test_comparison_swap_changes_only_that_operator() -> None:
    line = _line("if len(")
    mutants = _by_description(line)
    key = "`len(self.items) < self.limit` -> `len(self.items) <= self.limit`"
    assert key in mutants
    changed = mutants[key].splitlines()
    original = SOURCE.splitlines()
    assert [i for i, (a, b) in enumerate(zip(original, changed, strict=True)) if a != b] == [
        line - 1
    ]
    assert "not (len(self.items) < self.limit)" in "".join(_by_description(line).values())


def test_every_mutant_compiles_and_names_its_line() -> None:
    for line in range(1, len(SOURCE.splitlines()) + 1):
        for mutant in mutants_for_lines("box.py", SOURCE, [line])[line]:
            compile(mutant.source, "box.py", "exec")
            assert mutant.line == line and mutant.source != SOURCE
            assert 0 < mutant.naturalness <= 1


def test_arithmetic_constants_offsets_and_slices() -> None:
    descriptions = set(_by_description(_line("total = size")))
    assert "`size * 2 - 1` -> `(size * 2) + 1`" in descriptions
    assert "`1` -> `0`" in descriptions
    slices = set(_by_description(_line("return self.items")))
    assert "`total` -> `total + 1`" in slices and "`total` -> `total - 1`" in slices


def test_a_wrong_string_inside_a_multiline_table_has_alternatives() -> None:
    line = _line('("paying", "cancel")')
    descriptions = set(_by_description(line))
    assert "`\"paying\"` -> `'idle'`" in descriptions
    for source in _by_description(line).values():
        assert "# a comment kept as is" in source or line != _line("a comment")


def test_statements_can_be_dropped_and_self_is_never_replaced() -> None:
    mutants = mutants_for_lines("box.py", SOURCE, [_line("self.items.append")])
    found = mutants[_line("self.items.append")]
    assert any(m.operator == "drop" and m.replacement == "pass" for m in found)
    assert not any(m.original == "self" for m in found)


def test_a_file_that_does_not_parse_gives_no_mutants() -> None:
    assert mutants_for_lines("bad.py", "def broken(:\n", [1]) == {}


def test_pure_expression_mutants_carry_a_breakpoint_condition() -> None:
    line = _line("if len(")
    found = mutants_for_lines("box.py", SOURCE, [line])[line]
    swap = next(m for m in found if m.replacement.endswith("<= self.limit"))
    assert swap.condition is None  # len() is a call: not evaluated twice by a breakpoint
    line = _line("total = size")
    arith = next(
        m for m in mutants_for_lines("box.py", SOURCE, [line])[line] if m.operator == "arith"
    )
    assert arith.condition == f"({arith.original}) != ({arith.replacement})"


SHARED_LINE = """LIMITS = (1,
    2); DEFAULT = 3


def outer(items):
    total = 0

    def add(item):
        nonlocal total
        total = total + item

    for item in items:
        add(item)
    return total
"""


def test_mutants_on_a_line_two_top_level_statements_share_are_kept() -> None:
    # each candidate is compiled as its top-level statement alone; statements sharing a line
    # are compiled together, so the tuple's second line still has its constant mutants
    found = mutants_for_lines("limits.py", SHARED_LINE, [2])[2]
    assert "`2` -> `3`" in {m.description for m in found}
    for mutant in found:
        compile(mutant.source, "limits.py", "exec")


def test_only_mutants_whose_whole_file_compiles_are_made() -> None:
    lines = range(1, len(SHARED_LINE.splitlines()) + 1)
    made = mutants_for_lines("limits.py", SHARED_LINE, list(lines))
    assert made[10] and made[13]  # inside the nested function and in the loop
    for found in made.values():
        for mutant in found:
            compile(mutant.source, "limits.py", "exec")
            assert mutant.source.count("nonlocal total") == 1
