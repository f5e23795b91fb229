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


LINKED = """class Node:
    def __init__(self, count):
        self.count = count
        self.prev = self.next = self


def oldest(root, width):
    curr = root.prev
    if curr is root:
        return None
    total = curr.count + width
    return curr.left
"""


def _linked(marker: str) -> list:  # type: ignore[type-arg]
    line = next(i for i, text in enumerate(LINKED.splitlines(), 1) if marker in text)
    return mutants_for_lines("node.py", LINKED, [line])[line]


def test_no_offset_is_added_to_an_object_or_an_identity_operand() -> None:
    offsets = {m.description for m in _linked("curr = root.prev") if m.operator == "offset"}
    assert offsets == set()  # `curr` has attributes read: an object, so `root.prev` is one too
    assert not [m for m in _linked("if curr is root") if m.operator == "offset"]
    numbers = {m.description for m in _linked("total = curr.count") if m.operator == "offset"}
    assert "`curr.count + width` -> `(curr.count + width) + 1`" in numbers


def test_an_attribute_pair_the_file_completes_is_a_likely_slip() -> None:
    swap = next(m for m in _linked("curr = root.prev") if m.replacement == "next")
    assert swap.naturalness >= 0.85
    lonely = next(m for m in _linked("return curr.left") if m.replacement == "right")
    assert lonely.naturalness < swap.naturalness  # no `.right` anywhere in the file


LOOPS = """def combinations(n, r, items):
    c = 1
    while n > r:
        c, n = c * (n - r) // n, n
    while items:
        drain(items[:])
    return c
"""


def test_each_value_of_a_tuple_assignment_gets_offsets() -> None:
    line = next(i for i, t in enumerate(LOOPS.splitlines(), 1) if "c, n =" in t)
    found = {m.description for m in mutants_for_lines("loops.py", LOOPS, [line])[line]}
    assert "`n` -> `n - 1`" in found


def test_a_full_slice_copy_may_be_where_the_original_was_meant() -> None:
    line = next(i for i, t in enumerate(LOOPS.splitlines(), 1) if "drain(" in t)
    found = {m.description for m in mutants_for_lines("loops.py", LOOPS, [line])[line]}
    assert "`items[:]` -> `items`" in found


UNUSED = """def nth(iterable, n, default=None):
    return next(iter(iterable[n:]), None)


def method(self, key, _ignored):
    return key
"""


def test_a_parameter_the_function_never_reads_may_be_what_a_constant_replaced() -> None:
    found = {m.description: m for m in mutants_for_lines("nth.py", UNUSED, [2])[2]}
    assert found["`None` -> `default`"].naturalness >= 0.8
    ignored = [
        m for m in mutants_for_lines("nth.py", UNUSED, [6])[6] if "_ignored" in m.replacement
    ]
    assert all(m.naturalness < 0.8 for m in ignored)  # `_ignored` says it is unused on purpose
