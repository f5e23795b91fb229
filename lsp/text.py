"""Lines of a buffer, and how a place in it follows the user's edits.

Everything the server shows is tied to a line *and the code on it*: a suggestion made on one
version of the text, a hypothesis recorded by an earlier session, a decision taken in another
editor. Edits move lines (`follow`); a place whose code changed is gone rather than pointing at
the wrong line. Places recorded elsewhere are found again by their code (`relocate`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dap_proxy.evidence.live_records import find_line, fold_code

RELOCATE_WINDOW = 40  # lines: how far edits since a place was recorded may have moved it


def split_lines(text: str) -> list[str]:
    """The buffer's lines as tree-sitter numbers them (on "\\n"; a "\\r" before it dropped)."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def line_text(lines: Sequence[str], line: int) -> str | None:
    """The text of 1-based `line`, None past the end."""
    return lines[line - 1] if 0 < line <= len(lines) else None


def relocate(
    lines: Sequence[str], line: int, code: str, window: int = RELOCATE_WINDOW
) -> int | None:
    """Where a place recorded at 1-based `line` with `code` is now: that line if its code is
    unchanged, else the nearest line within `window` with that code, else None (gone)."""
    return find_line(lines, line, code, window)


@dataclass(frozen=True)
class LineChange:
    """One incremental change: 0-based lines `start..end` (inclusive) were replaced by text
    holding `newlines` line breaks. `start` is None for a whole-document replacement."""

    start: int | None
    end: int = 0
    newlines: int = 0


def follow(line: int, code: str, changes: Sequence[LineChange], lines: Sequence[str]) -> int | None:
    """Where 1-based `line`, which held `code` before `changes`, is in `lines` after them: moved
    by the lines inserted or removed above it, None when its own code changed."""
    candidates = {line - 1}
    for change in changes:
        if change.start is None:  # replaced whole: only the code can tell
            return relocate(lines, line, code)
        delta = change.newlines - (change.end - change.start)
        moved: set[int] = set()
        for number in candidates:
            if number > change.end:
                moved.add(number + delta)
            elif number < change.start:
                moved.add(number)
            else:  # inside the edit: kept in place (text typed after it) or pushed down
                moved.update({number, number + delta})
        candidates = moved
    wanted = fold_code(code)
    for number in sorted(candidates, key=lambda n: abs(n - (line - 1))):
        text = line_text(lines, number + 1)
        if text is not None and fold_code(text) == wanted:
            return number + 1
    return None
