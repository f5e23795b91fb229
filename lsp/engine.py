"""The language server's engine: what each feature shows for a buffer, from the analysis engine
and the workspace store, in the server's own types (`lsp/convert.py` turns them into LSP's).
Synchronous and safe to call from worker threads; `lsp/server.py` schedules it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from dap_proxy.analysis.dataflow import function_at
from dap_proxy.analysis.models import Probe
from dap_proxy.evidence.live_records import DecisionStatus
from dap_proxy.evidence.store import Store, StoreError
from dap_proxy.hypotheses.models import Hypothesis, HypothesisStatus
from lsp import markdown
from lsp.documents import OpenDocument
from lsp.options import ServerOptions
from lsp.records import FixHint, Located, Records, fixing_mutants, relative
from lsp.suggestions import FailureProbes, Placed, Suggestion, analysis_path, buffer_probes, rank
from lsp.text import line_text, relocate, split_lines

M = TypeVar("M", bound=BaseModel)
# Hypotheses less likely than this (percent) get no lens: next to the code they are noise, and
# they would take the places of suggestions. Hover and showEvidence still show them.
MIN_LENS_PROBABILITY = 5.0


class CommandError(Exception):
    """A command that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class HypothesisLens:
    located: Located
    line: int  # where the lens goes: the first line of the function the hypothesis concerns
    target: int  # the location's line in the buffer now
    mutants: int  # mutants that fixed the failure there


@dataclass(frozen=True)
class PlacedFix:
    hint: FixHint
    line: int  # 1-based, in the buffer now
    span: tuple[int, int] | None  # code-point columns of `old` on that line; None: not found


@dataclass
class LensItems:
    suggestions: list[Suggestion] = field(default_factory=list)
    hypotheses: list[HypothesisLens] = field(default_factory=list)


class ProbeRequest(BaseModel):
    """The argument of smartDebug.accept / smartDebug.dismiss (what the lens carries)."""

    uri: str
    line: int  # 1-based, where the suggestion was when the lens was made
    code: str  # that line's text then
    probe: Probe


class LocalizeRequest(BaseModel):
    """The argument of smartDebug.localize (every key optional)."""

    uri: str | None = None
    line: int | None = None  # 1-based cursor line: the test under it is the one run
    command: list[str] | None = None


def find_span(text: str, old: str) -> tuple[int, int] | None:
    """Where `old` is on the line: as written, else with any spacing between its tokens."""
    start = text.find(old)
    if start >= 0:
        return start, start + len(old)
    pattern = r"\s*".join(re.escape(token) for token in old.split())
    match = re.search(pattern, text) if pattern else None
    return (match.start(), match.end()) if match else None


class Engine:
    def __init__(self, root: Path, options: ServerOptions, store: Store | None) -> None:
        self.root = root
        self.options = options
        self.store = store
        self.records = Records(store, root)
        self.failures = FailureProbes()

    # -- documents -------------------------------------------------------------------------------

    def document(self, uri: str, file: str | None, language_id: str | None) -> OpenDocument:
        rel = relative(self.root, file) if file else None
        path = analysis_path(file, language_id) if file else None
        return OpenDocument(uri, file, path, rel or file or uri, rel)

    def compute(self, document: OpenDocument, text: str) -> tuple[list[Placed], str | None]:
        """The buffer's own probes (the slow part), or why it gets none."""
        if document.path is None or not self.options.lenses.suggestions:
            return [], None
        dismissed = [
            d
            for d in self.records.snapshot().decisions_in(document.key_file)
            if d.status is DecisionStatus.DISMISSED
        ]
        limit = self.options.maxLensesPerFile + len(dismissed)
        return buffer_probes(text, document.whole_analysis(text), limit)

    def lens_items(self, document: OpenDocument, text: str) -> LensItems:
        limit = self.options.maxLensesPerFile
        lines = split_lines(text)
        items = LensItems()
        if self.options.lenses.hypotheses:
            items.hypotheses = self.hypothesis_lenses(document, text, lines)[:limit]
        if self.options.lenses.suggestions and document.probes is not None:
            items.suggestions = self.suggestions(document, lines, limit - len(items.hypotheses))
        return items

    def suggestions(self, document: OpenDocument, lines: list[str], limit: int) -> list[Suggestion]:
        """The buffer's probes ranked under those the store calls for: the latest failure's and
        the probes of the hypotheses located here (localize's ranked suggestions)."""
        snapshot = self.records.snapshot()
        recorded: list[Placed] = []
        if snapshot.failure is not None and document.file is not None:
            session, context = snapshot.failure
            recorded = self.failures.get(session, context, self.root, document.file)
        for item in snapshot.hypotheses_in(document.rel) if document.rel else []:
            if not (item.location.code and self._worth_a_lens(item.hypothesis)):
                continue
            tests = f"tests {item.hypothesis.id}"
            recorded += [
                (
                    probe.model_copy(update={"reason": f"{tests}: {probe.reason}"}),
                    item.location.code,
                )
                for probe in item.hypothesis.probes
                if probe.line == item.location.line
                and relative(self.root, probe.file) == document.rel
            ]
        decisions = snapshot.decisions_in(document.key_file)
        return rank(document.probes or [], recorded, lines, decisions, document.key_file, limit)

    @staticmethod
    def _worth_a_lens(hypothesis: Hypothesis) -> bool:
        return (
            hypothesis.probability >= MIN_LENS_PROBABILITY
            or hypothesis.status is HypothesisStatus.CONFIRMED
        )

    def hypothesis_lenses(
        self, document: OpenDocument, text: str, lines: list[str]
    ) -> list[HypothesisLens]:
        located = self.records.snapshot().hypotheses_in(document.rel) if document.rel else []
        if not located:
            return []
        analysis = document.analysis(text)
        found: dict[tuple[str, int], HypothesisLens] = {}
        for item in located:
            if not self._worth_a_lens(item.hypothesis):
                continue
            target = relocate(lines, item.location.line, item.location.code or "")
            if target is None:
                continue
            function = function_at(analysis, target) if analysis is not None else None
            line = function.start_line if function is not None else target
            key = (item.hypothesis.id, line)
            if key not in found:
                found[key] = HypothesisLens(
                    item, line, target, len(fixing_mutants(item.hypothesis))
                )
        return sorted(found.values(), key=lambda h: (-h.located.hypothesis.probability, h.line))

    def fixes(self, document: OpenDocument, text: str) -> list[PlacedFix]:
        hints = self.records.snapshot().fix_hints_in(document.rel) if document.rel else []
        if not hints:  # the usual case: no need to split a large buffer into lines
            return []
        lines = split_lines(text)
        placed = []
        for hint in hints:
            line = relocate(lines, hint.line, hint.code)
            if line is not None:
                placed.append(PlacedFix(hint, line, find_span(lines[line - 1], hint.old)))
        return placed

    # -- hover and evidence ----------------------------------------------------------------------

    def hover(self, document: OpenDocument, text: str, line: int) -> str | None:
        lines = split_lines(text)
        if line_text(lines, line) is None:
            return None
        facts = markdown.HoverFacts(where=f"{document.rel or Path(document.key_file).name}:{line}")
        recorded = {line}  # the lines the store may know this one by
        for lens in self.hypothesis_lenses(document, text, lines):
            if lens.target == line:
                facts.hypotheses.append(lens.located)
                recorded.add(lens.located.location.line)
        facts.fixes = [f.hint for f in self.fixes(document, text) if f.line == line]
        if document.probes is not None:
            for suggestion in self.suggestions(document, lines, len(lines)):
                if suggestion.probe.line == line:
                    facts.suggestion = suggestion
        if self.store is not None and document.rel is not None:
            # Sessions record a file relative to the workspace, or absolute when they ran elsewhere.
            names = sorted({document.rel, document.file or document.rel})
            try:
                for name in names:
                    for number in sorted(recorded):
                        facts.observed += self.store.evidence_at(name, number)
                sessions = {located.session for located in facts.hypotheses}
                for session in sorted(sessions, reverse=True):
                    facts.experiments += [
                        r
                        for r in self.store.experiments(session)
                        if r.data.get("line") in recorded
                        and relative(self.root, str(r.data.get("file", ""))) == document.rel
                    ]
            except StoreError:
                pass
        return None if facts.empty() else markdown.hover(facts)

    def evidence(self, session: int, hypothesis_id: str) -> str:
        if self.store is None:
            raise CommandError("no workspace store is open, so there is no evidence to show")
        try:
            found = [h for h in self.store.hypotheses(session) if h.id == hypothesis_id]
            if not found:
                raise CommandError(
                    f"session {session} has no hypothesis {hypothesis_id}; the lenses refresh"
                )
            [hypothesis] = found
            history = self.store.probability_history(session, hypothesis_id)
            lines = {(loc.file, loc.line) for loc in hypothesis.locations}
            experiments = [
                r
                for r in self.store.experiments(session)
                if r.hypothesis_id == hypothesis_id
                or (r.data.get("file"), r.data.get("line")) in lines
            ]
        except StoreError as exc:
            raise CommandError(str(exc)) from exc
        return markdown.evidence(session, hypothesis, history, experiments)

    # -- decisions -------------------------------------------------------------------------------

    def decide(
        self, document: OpenDocument, text: str, raw: object, status: DecisionStatus
    ) -> tuple[Probe, bool]:
        """Record a decision on the suggestion `raw` describes, at its line in the buffer now;
        returns the probe there and whether the store holds the decision."""
        request = parse(ProbeRequest, raw, "a suggestion {uri, line, code, probe}")
        lines = split_lines(text)
        line = relocate(lines, request.line, request.code)
        if line is None:
            raise CommandError(
                f"line {request.line} of {document.key_file} changed since this suggestion was "
                "made; the lenses will refresh"
            )
        probe = request.probe.model_copy(update={"line": line})
        if self.store is None:
            return probe, False
        try:
            self.store.decide_probe(document.key_file, lines[line - 1], probe, status, "lsp")
        except StoreError as exc:
            raise CommandError(str(exc)) from exc
        self.records.changed()
        return probe, True

    # -- localize --------------------------------------------------------------------------------

    def test_command(
        self, request: LocalizeRequest, document: OpenDocument | None, text: str
    ) -> list[str]:
        """What smartDebug.localize runs: the command it was given, the one in the settings, or
        pytest on the test under the cursor."""
        if request.command:
            return request.command
        if self.options.localize.testCommand:
            return self.options.localize.testCommand
        if document is not None and request.line is not None and document.rel is not None:
            analysis = document.analysis(text)
            function = function_at(analysis, request.line) if analysis is not None else None
            is_test = function is not None and function.kind == "test"
            if (
                is_test
                and function is not None
                and analysis is not None
                and analysis.language == "python"
            ):
                python = self.options.localize.python or sys.executable
                node = "::".join([document.rel, *function.qualname.split(".")])
                return [python, "-m", "pytest", "-q", node]
        raise CommandError(
            "no test command: put the cursor in a pytest test function, or set "
            'initializationOptions.localize.testCommand (e.g. ["python", "-m", "pytest"])'
        )


def parse(model: type[M], raw: object, what: str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'argument'}: {e['msg']}" for e in exc.errors()
        )
        raise CommandError(f"expected {what}: {detail}") from exc
