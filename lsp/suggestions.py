"""Suggested breakpoints and logpoints for one buffer: the analysis engine's whole-file probes of
the buffer's current text, ranked under the probes the store calls for (the workspace's latest
failure's, computed on the files as saved; the hypotheses' own, e.g. localize's), found again in
the buffer by their code; without the ones the workspace dismissed, the accepted ones marked.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from pydantic import BaseModel

from dap_proxy.analysis.languages import language_for_path
from dap_proxy.analysis.models import FileAnalysis, Probe
from dap_proxy.analysis.probes import candidate_probes, whole_file_probes
from dap_proxy.evidence.live_records import DecisionStatus, ProbeDecision, probe_content_key
from dap_proxy.hypotheses.models import FailureContext
from lsp.text import line_text, relocate, split_lines

FAILURE_PROBES = 12  # probes asked of the failure context (over all its files)
FAILURE_CACHE = 64  # (session, file, file state) entries
# Editors name languages; the analysis engine goes by file extension.
LANGUAGE_SUFFIX = {
    "python": ".py",
    "javascript": ".js",
    "javascriptreact": ".jsx",
    "typescript": ".ts",
    "typescriptreact": ".tsx",
}

Placed = tuple[Probe, str]  # a probe and the code of its line when it was made


class Suggestion(BaseModel):
    """One suggestion as a lens shows it: the probe at its line in the buffer now."""

    probe: Probe
    code: str  # the text of the probe's line in the buffer
    accepted: bool = False  # the workspace accepted it: the proxy injects it in later sessions


def analysis_path(path: str, language_id: str | None) -> str | None:
    """The path the analysis engine reads the buffer as (its extension picks the language), or
    None when the buffer is in no language the engine reads."""
    if language_for_path(path) is not None:
        return path
    suffix = LANGUAGE_SUFFIX.get(language_id or "")
    return path + suffix if suffix else None


def buffer_probes(
    text: str, analysis: FileAnalysis | None, limit: int
) -> tuple[list[Placed], str | None]:
    """The whole-file probes of the buffer (`analysis` is of `text`) with their lines' code,
    or why there are none (binary, over the engine's size limit)."""
    if analysis is None:
        return [], None
    if analysis.refused is not None:
        return [], analysis.refused
    lines = split_lines(text)
    return [(p, line_text(lines, p.line) or "") for p in whole_file_probes(analysis, limit)], None


class FailureProbes:
    """The failure context's probes in one file, computed on the saved file and kept until the
    file or the failure changes."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[int, str, int, int], list[Placed]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: int, context: FailureContext, root: Path, path: str) -> list[Placed]:
        file = Path(path)
        try:
            stat = file.stat()
        except OSError:
            return []
        key = (session, str(file), stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        found = self._compute(context, root, file)
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > FAILURE_CACHE:
                self._cache.popitem(last=False)
        return found

    @staticmethod
    def _compute(context: FailureContext, root: Path, file: Path) -> list[Placed]:
        probes = candidate_probes(context.failure, workspace=root, limit=FAILURE_PROBES)
        mine = [p for p in probes if _same_file(p.file, file, root)]
        if not mine:
            return []
        try:
            lines = split_lines(file.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return []
        return [(p, line_text(lines, p.line) or "") for p in mine]


def _same_file(path: str, file: Path, root: Path) -> bool:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    try:
        return candidate.resolve() == file.resolve()
    except OSError:
        return False


def rank(
    buffer: list[Placed],
    recorded: list[Placed],
    lines: list[str],
    decisions: list[ProbeDecision],
    key_file: str,
    limit: int,
) -> list[Suggestion]:
    """At most `limit` suggestions, best first, one per line: the probes recorded elsewhere (on
    the saved file, by a session) found again in the buffer by their code, and the buffer's
    own, less the dismissed, plus the accepted ones wherever their code still is."""
    by_key = {d.content_key: d for d in decisions}
    best: dict[int, Suggestion] = {}

    def offer(probe: Probe, code: str, accepted: bool = False) -> None:
        decision = by_key.get(probe_content_key(key_file, code, probe))
        if decision is not None and decision.status is DecisionStatus.DISMISSED:
            return
        accepted = accepted or decision is not None
        current = best.get(probe.line)
        if current is None or (accepted, probe.score) > (current.accepted, current.probe.score):
            best[probe.line] = Suggestion(probe=probe, code=code, accepted=accepted)

    for probe, code in recorded:
        line = relocate(lines, probe.line, code)
        if line is not None:
            offer(probe.model_copy(update={"line": line}), lines[line - 1])
    for probe, code in buffer:
        if line_text(lines, probe.line) == code:
            offer(probe, code)
    for decision in decisions:
        if decision.status is DecisionStatus.ACCEPTED:
            line = relocate(lines, decision.line, decision.code)
            if line is not None:
                offer(decision.probe.model_copy(update={"line": line}), lines[line - 1], True)
    ranked = sorted(best.values(), key=lambda s: (not s.accepted, -s.probe.score, s.probe.line))
    return ranked[:limit]
