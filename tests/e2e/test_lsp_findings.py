"""End to end: what the language server shows from the store's findings, through a real server
process: the hover on a suspected line (observed values, experiment outcomes), the diagnostic on
a confirmed fault line and its quick fix, showEvidence, and smartDebug.localize with progress and
cancellation, whose results land in the store and come back as lenses and diagnostics."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from conftest import wait_for_async
from dap_helpers import cmdline, descendants
from lsp_helpers import (
    CONFIG,
    DECISION,
    LOCALIZE_TIMEOUT,
    command,
    copy_example,
    edit,
    lenses,
    line_of,
    open_document,
    start,
    titles,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from dap_proxy.evidence.store import Store
from dap_proxy.hypotheses.models import (
    CodeLocation,
    Evidence,
    EvidenceSource,
    FailureContext,
    Hypothesis,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]
FUNCTION = "def discount(items: list[tuple[float, int]]) -> float:"


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


def _record_findings(root: Path, line: int) -> int:
    """A session as a debug session or localize leaves it: a hypothesis at the decision, the
    mutant that fixed the failure, a logpoint's observed values, the experiment."""
    observation = (
        f"perturbation experiment on line {line}: `count > BULK_THRESHOLD` -> "
        "`count >= BULK_THRESHOLD` -> fixed (fixed 2 of 2 failing tests, changed 0, broke 0 of 6 "
        "passing tests rerun)"
    )
    hypothesis = Hypothesis(
        id="H1",
        statement=f"cart.py:{line} `{DECISION}` is the fault",
        category="logic_error",
        pattern="off_by_one",
        probability=62.0,
        status="supported",
        locations=[CodeLocation(file="cart.py", line=line, code=DECISION, role="decision")],
        supporting_evidence=[
            Evidence(
                observation=observation,
                source=EvidenceSource.EXPERIMENT,
                file="cart.py",
                line=line,
                value="fixed",
            )
        ],
        falsification_criteria=["with the change applied, a failing test still fails"],
    )
    with Store.open(root) as store:
        session = store.new_session("debug", "bulk discount", FailureContext())
        store.save_hypotheses(session, [hypothesis], "test")
        store.add_evidence(
            session,
            Evidence(
                observation="logpoint hit",
                source=EvidenceSource.LOGPOINT,
                file="cart.py",
                line=line,
                values={"count": "10", "BULK_THRESHOLD": "10"},
                hit=3,
            ),
        )
        store.record_experiment(
            session,
            {
                "kind": "perturbation",
                "description": f"line {line}: `count > BULK_THRESHOLD` -> `count >= BULK_THRESHOLD`",
                "file": "cart.py",
                "line": line,
                "tests_run": 8,
                "fixed": 2,
                "broken": 0,
                "outcome": "fixed",
            },
            hypothesis_id="H1",
        )
    return session


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    for change in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = change.range.start, change.range.end
        assert start.line == end.line, "the fix stays on one line"
        row = lines[start.line]
        lines[start.line] = row[: start.character] + change.new_text + row[end.character :]
    return "\n".join(lines)


async def test_hover_diagnostic_quick_fix_and_evidence_from_the_store(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    cart = root / "cart.py"
    line = line_of(cart, DECISION)
    session = _record_findings(root, line)
    await start(client, root)
    uri = open_document(client, cart)
    [diagnostic] = await wait_for_async(
        lambda: client.diagnostics.get(uri), what="the fix-hint diagnostic"
    )
    assert diagnostic.severity == types.DiagnosticSeverity.Information
    assert diagnostic.source == "smart-debug" and "`count >= BULK_THRESHOLD`" in diagnostic.message
    row = cart.read_text().split("\n")[line - 1]
    assert diagnostic.range.start.line == line - 1
    assert row[diagnostic.range.start.character : diagnostic.range.end.character] == (
        "count > BULK_THRESHOLD"
    )

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    [action] = actions
    assert action.title == "Apply suggested fix: `>` -> `>=`"
    assert action.kind == types.CodeActionKind.QuickFix and action.is_preferred
    before = cart.read_text()
    fixed = _apply(before, action.edit.changes[uri])
    assert fixed.split("\n")[line - 1] == "    if count >= BULK_THRESHOLD:"
    assert cart.read_text() == before, "the server never writes the user's files"

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line - 1, character=8),
        )
    )
    text = hover.contents.value
    assert "**H1 62%** (confirmed by a mutant)" in text
    assert "`count` = `10`" in text and "(hit 3)" in text
    assert "perturbation `count > BULK_THRESHOLD` -> `count >= BULK_THRESHOLD`: **fixed**" in text
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0),
        )
    )
    assert nothing is None

    evidence = await command(
        client, "smartDebug.showEvidence", {"session": session, "hypothesis": "H1"}
    )
    markdown = evidence["markdown"]
    assert markdown.startswith("# H1 62.0% · confirmed by a mutant")
    for heading in (
        "## Evidence for",
        "## Experiments",
        "## Probability",
        "## It would be refuted",
    ):
        assert heading in markdown, markdown

    # The user applies the fix (as the editor does with the WorkspaceEdit): the hint is spent.
    edit(client, uri, 2, (line - 1, 0), (line - 1, len(row)), fixed.split("\n")[line - 1])
    await wait_for_async(lambda: len(client.diagnostics[uri]) == 0, what="the diagnostic to go")


async def test_localize_command_reports_progress_and_lands_in_the_store(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    cart = root / "cart.py"
    test_command = [sys.executable, "-m", "pytest", "-q", "tests"]
    await start(client, root, {"localize": {"testCommand": test_command}})
    uri = open_document(client, cart)
    await lenses(client, uri)
    refreshes = client.lens_refreshes
    result = await asyncio.wait_for(command(client, "smartDebug.localize"), LOCALIZE_TIMEOUT)
    line = line_of(cart, DECISION)
    assert result["suggestions"][0]["file"] == "cart.py"
    assert result["suggestions"][0]["line"] == line
    assert result["hypotheses"][0]["id"] == "H1"

    [(token, reports)] = client.progress_reports.items()
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].cancellable
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    middle = [r for r in reports if isinstance(r, types.WorkDoneProgressReport)]
    assert any("coverage" in (r.message or "") for r in middle), middle

    with Store.open(root) as store:
        [session] = [s for s in store.recent_sessions() if s.kind == "localize"]
        assert session.id == result["session"]
        assert store.hypotheses(session.id)[0].id == "H1"
        assert store.experiments(session.id)

    await wait_for_async(lambda: client.lens_refreshes > refreshes, what="the lenses to refresh")
    found = titles(await lenses(client, uri))
    function_line = line_of(cart, FUNCTION)
    above = [t for n, t in found if n == function_line and t.startswith("H1 ")]
    assert above and above[0].endswith("confirmed by a mutant"), found
    # localize's best suggestion, a breakpoint where the fixing mutant would differ, is one click.
    [on_line] = [t for n, t in found if n == line and t.startswith("Smart Debug:")]
    assert on_line.startswith("Smart Debug: breakpoint if ") and " · tests H1 · " in on_line
    diagnostics = await wait_for_async(
        lambda: client.diagnostics.get(uri), what="fix-hint diagnostics"
    )
    assert any(d.range.start.line == line - 1 and ">=" in d.message for d in diagnostics)


async def test_localize_cancelled_from_its_progress_stops_every_process(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    await start(client, root)
    tests = root / "tests" / "test_cart.py"
    uri = open_document(client, tests)
    line = line_of(tests, "assert total([(3.0, 10)], tax_rate=0.0) == 27.0")
    # No test command in the settings: the test under the cursor is run.
    running = asyncio.ensure_future(
        command(client, "smartDebug.localize", {"uri": uri, "line": line})
    )
    token = await wait_for_async(lambda: next(iter(client.progress_reports), None), what="progress")
    begin = await wait_for_async(
        lambda: client.progress_reports[token], what="the progress to begin"
    )
    assert "test_cart.py::test_total_for_bulk_order" in begin[0].message
    await wait_for_async(
        lambda: any(
            isinstance(r, types.WorkDoneProgressReport) for r in client.progress_reports[token]
        ),
        what="the worker's first progress report",
    )
    server = client._server.pid
    assert any("lsp.localize_worker" in cmdline(pid) for pid in descendants(server))
    client.protocol.notify(
        types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token=token)
    )
    assert await asyncio.wait_for(running, LOCALIZE_TIMEOUT) == {"cancelled": True}
    assert client.progress_reports[token][-1].message == "cancelled"
    assert descendants(server) == set(), [cmdline(p) for p in descendants(server)]
    with Store.open(root) as store:
        assert not [s for s in store.recent_sessions() if s.kind == "localize"]


async def test_localize_cancelled_by_cancel_request_stops_every_process(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    await start(client, root, {"localize": {"testCommand": [sys.executable, "-m", "pytest", "-q"]}})
    running = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command="smartDebug.localize", arguments=[{}]),
            msg_id="localize-1",
        )
    )
    token = await wait_for_async(lambda: next(iter(client.progress_reports), None), what="progress")
    await wait_for_async(
        lambda: any(
            isinstance(r, types.WorkDoneProgressReport) for r in client.progress_reports[token]
        ),
        what="the worker's first progress report",
    )
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="localize-1"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(running, LOCALIZE_TIMEOUT)
    server = client._server.pid
    await wait_for_async(lambda: not descendants(server), what="localize's processes to end")
    await wait_for_async(
        lambda: isinstance(client.progress_reports[token][-1], types.WorkDoneProgressEnd),
        what="the progress to end",
    )
