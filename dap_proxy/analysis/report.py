"""The `smart-debug analyze` command's work: walk the paths, analyse each file, rank probes
(per file, or for a traceback), and print a rich table per file or one JSON object. Bad paths
and unreadable files are reported on stderr and make the exit code 1; the rest still runs."""

from __future__ import annotations

import gc
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.languages import language_for_path
from dap_proxy.analysis.models import (
    DEFERRED_BUILD,
    FactKind,
    FileAnalysis,
    ParsedFailure,
    Probe,
)
from dap_proxy.analysis.pending import pending_of
from dap_proxy.analysis.probes import candidate_probes, whole_file_probes

SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__", ".smart-debug"}
EXIT_OK = 0
EXIT_PATH_ERROR = 1


class FileReport(BaseModel):
    model_config = DEFERRED_BUILD

    path: str
    language: str
    functions: int = 0
    facts: dict[str, int] = Field(default_factory=dict)  # fact kind -> count
    syntax_error_lines: list[int] = Field(default_factory=list)
    refused: str | None = None
    probes: list[Probe] = Field(default_factory=list)


class FailureReport(BaseModel):
    model_config = DEFERRED_BUILD

    exception: str = ""
    frames: int = 0
    probes: list[Probe] = Field(default_factory=list)


class AnalyzeReport(BaseModel):
    """The `--json` output."""

    model_config = DEFERRED_BUILD

    files: list[FileReport] = Field(default_factory=list)
    failure: FailureReport | None = None
    errors: list[str] = Field(default_factory=list)


def walk(paths: Sequence[str], errors: list[str]) -> Iterator[Path]:
    """Files to analyse: explicit files as given, directories walked for supported files."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if SKIP_DIRS.intersection(relative[:-1]) or not child.is_file():
                    continue
                if language_for_path(child) is not None:
                    yield child
        elif path.exists():
            if language_for_path(path) is None:
                errors.append(
                    f"{raw}: not a Python, JavaScript or TypeScript file (by its extension)"
                )
            else:
                yield path
        else:
            errors.append(f"{raw}: no such file or directory")


def fact_counts(analysis: FileAnalysis) -> dict[FactKind, int]:
    """How many facts of each kind, in the order the kinds first occur."""
    pending = pending_of(analysis)
    if pending is not None:
        return pending.kind_counts()
    return dict(Counter(f.kind for f in analysis.facts))


def _read_traceback(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise AnalysisError(
            f"--traceback {source}: cannot read ({error.strerror or error})"
        ) from None


def _parse_failure(text: str) -> ParsedFailure:
    from dap_proxy.analysis.traceback import parse_failure

    return parse_failure(text, workspace=Path.cwd())


def build_report(paths: Sequence[str], traceback_text: str | None, limit: int) -> AnalyzeReport:
    # Built without validation (the values are the engine's own): the models' validators are
    # then never built by a command that prints text.
    report = AnalyzeReport.model_construct()
    files = list(walk(paths, report.errors))
    for path in files:
        try:
            # A traceback's probes read its frames' files again: keep those analyses. Without
            # one, the report counts the facts and prints the few its probes rest on, so the
            # others are never built.
            whole_file = traceback_text is None
            analysis = analyze_file(path, cache=not whole_file, lazy_facts=whole_file)
        except AnalysisError as error:
            report.errors.append(str(error))
            continue
        probes: list[Probe] = []
        if analysis.refused is None and traceback_text is None:
            probes = whole_file_probes(analysis, limit)
        entry = FileReport.model_construct(
            path=str(path),
            language=analysis.language,
            functions=len(analysis.functions),
            facts={kind.value: n for kind, n in fact_counts(analysis).items()},
            syntax_error_lines=analysis.syntax_error_lines,
            refused=analysis.refused,
            probes=probes,
        )
        report.files.append(entry)
    if traceback_text is not None:
        failure = _parse_failure(traceback_text)
        final = failure.final
        report.failure = FailureReport(
            exception=f"{final.type}: {final.message}" if final else "",
            frames=len(failure.frames),
            probes=candidate_probes(failure, workspace=Path.cwd(), limit=limit * 2),
        )
    return report


def _probe_text(probe: Probe) -> str:
    if probe.log_message:
        return f"log: {probe.log_message}"
    if probe.condition:
        return f"if: {probe.condition}"
    if probe.hit_condition:
        return f"hit: {probe.hit_condition}"
    return "break"


def _probe_lines(probes: list[Probe], show_file: bool) -> list[str]:
    """Each probe as two plain lines: score, kind, where (whole) and the probe; then why. Plain
    text on purpose: a whole tree gives hundreds of files, and laying out a table per file cost
    more than analysing them."""
    lines: list[str] = []
    for probe in probes:
        where = f"{probe.file}:{probe.line}" if show_file else f"line {probe.line}"
        facts = "; ".join(dict.fromkeys(f.reason for f in probe.facts))
        why = probe.reason + (f" [{facts}]" if facts else "")
        lines.append(f"  {probe.score:.2f}  {probe.kind.value:<11} {where}  {_probe_text(probe)}")
        lines.append(f"        {why}")
    return lines


def print_human(report: AnalyzeReport) -> None:
    out: list[str] = []
    if report.failure is not None:
        failure = report.failure
        title = f"Failure {failure.exception or '(no exception found)'}: {failure.frames} frames"
        if failure.probes:
            out += [title, *_probe_lines(failure.probes, show_file=True)]
        else:
            out.append(f"{title}: no probe (no frame points into a readable file)")
    for entry in report.files:
        facts = ", ".join(f"{count} {kind}" for kind, count in sorted(entry.facts.items()))
        title = (
            f"{entry.path} ({entry.language}, {entry.functions} functions; {facts or 'no facts'})"
        )
        if entry.refused:
            out.append(f"{entry.path}: skipped, {entry.refused}")
        elif entry.probes and report.failure is None:
            out += [title, *_probe_lines(entry.probes, show_file=False)]
        elif report.failure is None:
            out.append(f"{title}: no candidate probe")
        if entry.syntax_error_lines:
            lines = ", ".join(map(str, entry.syntax_error_lines[:10]))
            out.append(f"  note: syntax errors near line(s) {lines}; analysed what parses")
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


def run_analyze(paths: Sequence[str], traceback: str | None, as_json: bool, limit: int) -> int:
    """The command: returns 0, or 1 when some path could not be analysed."""
    # What is loaded now (modules, pydantic's tables, the compiled queries to come) lives until
    # the command exits: out of the collector's sight, the collections that a whole tree's
    # analyses trigger stay short.
    gc.freeze()
    try:
        traceback_text = _read_traceback(traceback) if traceback is not None else None
        report = build_report(paths, traceback_text, max(limit, 1))
    except AnalysisError as error:
        print(f"smart-debug analyze: {error}", file=sys.stderr)
        return EXIT_PATH_ERROR
    for message in report.errors:
        print(f"smart-debug analyze: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps(report.model_dump(mode="json"), indent=2))
    else:
        print_human(report)
    return EXIT_PATH_ERROR if report.errors else EXIT_OK
