"""The server's memory of each open buffer: the probes computed from one version of its text,
moved along by later edits until they are computed again, the analysis that places hypothesis
lenses, and whether the user was told that this buffer gets no lenses.

Computing a large file's probes takes longer than an editor should wait after each keystroke, so
after an edit the lenses of the last computation are served, moved with the text (a lens whose
line changed is dropped), while the new text is analysed; the server then asks the client to
refresh (`workspace/codeLens/refresh`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from dap_proxy.analysis.engine import AnalysisError, analyze_source
from dap_proxy.analysis.models import FileAnalysis
from lsp.suggestions import Placed
from lsp.text import LineChange, follow


class OpenDocument:
    """One buffer the editor has open."""

    def __init__(
        self, uri: str, file: str | None, path: str | None, key_file: str, rel: str | None
    ) -> None:
        self.uri = uri
        self.file = file  # on disk; None for a buffer that is no file (untitled)
        self.path = path  # as the analysis engine reads it; None: not a language it reads
        self.key_file = key_file  # how the store names the file: relative to the root if inside
        self.rel = rel  # relative to the store's root, None outside it
        self.probes: list[Placed] | None = None  # None until first computed
        self.computed: int | None = None  # the version the probes were computed from
        self.version: int | None = None  # the version they are placed for
        self.refused: str | None = None  # why the buffer gets no lenses (binary, too large)
        self.told = False  # the user got the one log message about `refused`
        self.pending: asyncio.Task[None] | None = None  # a computation under way
        self.edited_at = 0.0  # time.monotonic() of the last edit
        self._analysis: tuple[str, FileAnalysis | None] | None = None

    def fresh(self, version: int | None) -> bool:
        return self.probes is not None and self.computed == version

    def computed_from(self, version: int | None, probes: list[Placed], refused: str | None) -> None:
        self.probes, self.computed, self.version, self.refused = probes, version, version, refused

    def edited(self, changes: Sequence[LineChange], lines: list[str], version: int | None) -> None:
        """Move the probes along with `changes`; those whose line's code changed are dropped."""
        self.edited_at = time.monotonic()
        if self.probes is not None:
            moved: list[Placed] = []
            for probe, code in self.probes:
                line = follow(probe.line, code, changes, lines)
                if line is not None:
                    moved.append((probe.model_copy(update={"line": line}), lines[line - 1]))
            self.probes = moved
        self.version = version

    def analysis(self, text: str) -> FileAnalysis | None:
        """The buffer's whole-file analysis (functions and their lines), for this text; None
        when the engine does not read it or refused it."""
        found = self.whole_analysis(text)
        return found if found is not None and found.refused is None else None

    def whole_analysis(self, text: str) -> FileAnalysis | None:
        """`analysis`, refused ones included (they say why). Kept for the last text it was
        asked for: the probes, the hypothesis lenses and the test under the cursor all read it,
        and a large buffer takes a while to analyse."""
        if self.path is None:
            return None
        if self._analysis is None or self._analysis[0] != text:
            try:
                # Lenses read the facts of the few functions they rank first: the rest are
                # counted from their records and never built.
                found: FileAnalysis | None = analyze_source(
                    text.encode("utf-8", "replace"), self.path, lazy_facts=True
                )
            except AnalysisError:
                found = None
            self._analysis = (text, found)
        return self._analysis[1]
