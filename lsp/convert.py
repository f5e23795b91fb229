"""Every conversion between the server's own types and LSP's (lsprotocol), in one place.

Code lenses are sent unresolved (a range and `data`) and resolved lazily: `data` carries what
the lens stands for, so resolving needs no state and a lens from an older version of the text
still resolves to what it showed. Positions: LSP lines are 0-based; our lines, like the
analysis engine's and DAP's, are 1-based. The breakpoint spec `smartDebug.accept` returns is
1-based (see `breakpoint_spec`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from dap_proxy.analysis.models import Probe
from lsp import labels
from lsp.engine import LensItems, PlacedFix
from lsp.text import LineChange

SOURCE = "smart-debug"
FIX_CODE = "fix-hint"
ACCEPT = "smartDebug.accept"
DISMISS = "smartDebug.dismiss"
LOCALIZE = "smartDebug.localize"
SHOW_EVIDENCE = "smartDebug.showEvidence"
COMMANDS = (ACCEPT, DISMISS, LOCALIZE, SHOW_EVIDENCE)
_NO_COMMAND = ""  # a lens that is a label: shown, not clickable


def _line_start(line: int) -> types.Range:
    position = types.Position(line=line - 1, character=0)
    return types.Range(start=position, end=position)


def line_changes(
    changes: Sequence[types.TextDocumentContentChangeEvent],
) -> list[LineChange]:
    out = []
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            out.append(
                LineChange(change.range.start.line, change.range.end.line, change.text.count("\n"))
            )
        else:
            out.append(LineChange(None))
    return out


# -- code lenses ---------------------------------------------------------------------------------


def _probe_json(probe: Probe) -> dict[str, Any]:
    return probe.model_dump(mode="json", exclude={"facts"})


def code_lenses(items: LensItems, uri: str) -> list[types.CodeLens]:
    lenses = []
    for lens in items.hypotheses:
        data = {
            "kind": "hypothesis",
            "session": lens.located.session,
            "hypothesis": lens.located.hypothesis.id,
            "title": labels.hypothesis_title(
                lens.located.hypothesis, lens.located.location, lens.mutants
            ),
        }
        for role in ("label", "evidence"):
            lenses.append(types.CodeLens(range=_line_start(lens.line), data={**data, "role": role}))
    for suggestion in items.suggestions:
        data = {
            "kind": "suggestion",
            "uri": uri,
            "line": suggestion.probe.line,
            "code": suggestion.code,
            "probe": _probe_json(suggestion.probe),
            "accepted": suggestion.accepted,
        }
        for role in ("label", "accept", "dismiss"):
            lenses.append(
                types.CodeLens(
                    range=_line_start(suggestion.probe.line), data={**data, "role": role}
                )
            )
    return lenses


def resolve_lens(lens: types.CodeLens) -> types.CodeLens:
    data = lens.data if isinstance(lens.data, dict) else {}
    lens.command = _lens_command(data)
    return lens


def _lens_command(data: dict[str, Any]) -> types.Command:
    role = data.get("role")
    if data.get("kind") == "hypothesis":
        if role == "evidence":
            argument = {"session": data.get("session"), "hypothesis": data.get("hypothesis")}
            return types.Command(title="Show evidence", command=SHOW_EVIDENCE, arguments=[argument])
        return types.Command(str(data.get("title", "")), _NO_COMMAND)
    if data.get("kind") == "suggestion":
        argument = {k: data.get(k) for k in ("uri", "line", "code", "probe")}
        accepted = bool(data.get("accepted"))
        if role == "accept":
            return types.Command(
                title="Add breakpoint" if accepted else "Accept",
                command=ACCEPT,
                arguments=[argument],
            )
        if role == "dismiss":
            return types.Command(title="Dismiss", command=DISMISS, arguments=[argument])
        try:
            probe = Probe.model_validate(data.get("probe"))
        except ValueError:
            return types.Command(
                title=f"{labels.PREFIX} (suggestion out of date)", command=_NO_COMMAND
            )
        return types.Command(labels.suggestion_title(probe, accepted), _NO_COMMAND)
    return types.Command(title=f"{labels.PREFIX} (unknown lens)", command=_NO_COMMAND)


def breakpoint_spec(uri: str, probe: Probe, recorded: bool) -> dict[str, Any]:
    """What `smartDebug.accept` returns: a DAP SourceBreakpoint with its document. `line` and
    `column` are 1-based, as DAP's defaults (`linesStartAt1`, `columnsStartAt1`); `column` is
    always 1, a whole-line breakpoint. `recorded`: the store holds the acceptance."""
    return {
        "uri": uri,
        "line": probe.line,
        "column": 1,
        "condition": probe.condition,
        "hitCondition": probe.hit_condition,
        "logMessage": probe.log_message,
        "recorded": recorded,
    }


# -- diagnostics, quick fixes, hover -------------------------------------------------------------


def _span_range(document: TextDocument, fix: PlacedFix) -> types.Range:
    line = fix.line - 1
    start, end = fix.span if fix.span is not None else (0, 0)
    if fix.span is None:  # the whole line
        end = len(document.lines[line].rstrip("\r\n")) if line < len(document.lines) else 0
    return document.range_to_client_units(
        ServerTextRange(ServerTextPosition(line, start), ServerTextPosition(line, end))
    )


def diagnostics(fixes: Sequence[PlacedFix], document: TextDocument) -> list[types.Diagnostic]:
    out = []
    for fix in fixes:
        h = fix.hint.located.hypothesis
        out.append(
            types.Diagnostic(
                range=_span_range(document, fix),
                message=f"{h.id} ({h.probability:.0f}%): changing `{fix.hint.old}` to "
                f"`{fix.hint.new}` makes the failing tests pass {fix.hint.detail}".rstrip(),
                severity=types.DiagnosticSeverity.Information,
                source=SOURCE,
                code=FIX_CODE,
                data={"session": fix.hint.located.session, "hypothesis": h.id},
            )
        )
    return out


def quick_fixes(
    fixes: Sequence[PlacedFix], document: TextDocument, wanted: types.Range
) -> list[types.CodeAction]:
    """A quick fix per applicable fix hint on the lines of `wanted`: a WorkspaceEdit the client
    applies like any edit (so the user sees it and can undo it); nothing is written here."""
    actions = []
    for fix, diagnostic in zip(fixes, diagnostics(fixes, document), strict=True):
        line = fix.line - 1
        if fix.span is None or not fix.hint.applicable:
            continue
        if not wanted.start.line <= line <= wanted.end.line:
            continue
        edit = types.TextEdit(range=diagnostic.range, new_text=fix.hint.new)
        actions.append(
            types.CodeAction(
                title=labels.fix_title(fix.hint.old, fix.hint.new),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={document.uri: [edit]}),
            )
        )
    return actions


def hover(text: str) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def markdown(text: str) -> dict[str, str]:
    """smartDebug.showEvidence's result."""
    return {"markdown": text}


# -- progress and messages -----------------------------------------------------------------------


def progress_begin(title: str, message: str) -> types.WorkDoneProgressBegin:
    return types.WorkDoneProgressBegin(title=title, message=message, cancellable=True, percentage=0)


def progress_report(message: str, fraction: float | None) -> types.WorkDoneProgressReport:
    percentage = None if fraction is None else max(0, min(100, round(fraction * 100)))
    return types.WorkDoneProgressReport(message=message, percentage=percentage)


def progress_end(message: str) -> types.WorkDoneProgressEnd:
    return types.WorkDoneProgressEnd(message=message)


def show(message: str, warning: bool = True) -> types.ShowMessageParams:
    kind = types.MessageType.Warning if warning else types.MessageType.Error
    return types.ShowMessageParams(type=kind, message=f"smart-debug: {message}")


def log(message: str, error: bool = False) -> types.LogMessageParams:
    kind = types.MessageType.Error if error else types.MessageType.Info
    return types.LogMessageParams(type=kind, message=f"smart-debug: {message}")


def publish(
    uri: str, version: int | None, found: list[types.Diagnostic]
) -> types.PublishDiagnosticsParams:
    return types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version)
