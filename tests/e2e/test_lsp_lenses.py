"""End to end: `smart-debug lsp` as a real server process driven by pytest-lsp over stdio.
Suggestion lenses on open (Python, JavaScript, TypeScript), after edits, after another process
writes the store; accept and dismiss recorded in the store; bad initialization options; binary
and oversized buffers."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from conftest import wait_for_async
from lsp_helpers import (
    CONFIG,
    DECISION,
    command,
    copy_example,
    edit,
    in_other_process,
    lenses,
    line_of,
    open_cart,
    open_document,
    start,
    titles,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure
from dap_proxy.evidence.store import Store
from dap_proxy.hypotheses.models import FailureContext

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    """An editor-like client: it answers workspace/codeLens/refresh and counts them."""
    yield
    await lsp_client.shutdown_session()


def _suggestion_at(found: list[types.CodeLens], line: int) -> dict:
    """The data of the suggestion lenses on 1-based `line` (they all carry the same)."""
    data = [
        lens.data
        for lens in found
        if lens.range.start.line == line - 1 and lens.data.get("kind") == "suggestion"
    ]
    assert data, f"no suggestion on line {line}: {titles(found)}"
    return data[0]


async def test_suggestion_lenses_on_open_with_accept_and_dismiss(
    client: LanguageClient, tmp_path: Path
) -> None:
    root, uri, line = await open_cart(client, tmp_path)
    found = await lenses(client, uri)
    on_line = [title for number, title in titles(found) if number == line]
    assert on_line[0].startswith("Smart Debug: logpoint ")
    assert "count={count}" in on_line[0] and "decision node" in on_line[0]
    assert on_line[0].rsplit(" · ", 1)[1] == "0.40"
    assert on_line[1:] == ["Accept", "Dismiss"]
    commands = [lens.command for lens in found if lens.range.start.line == line - 1]
    assert [c.command for c in commands] == ["", "smartDebug.accept", "smartDebug.dismiss"]
    argument = commands[1].arguments[0]
    assert argument["line"] == line and argument["code"].strip() == DECISION
    # The server's own options: at most 8 annotated lines by default.
    assert len({number for number, _ in titles(found)}) <= 8


async def test_unsaved_text_and_javascript_and_typescript(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    await start(client, root)
    # Unsaved text: a function that is not on disk gets its suggestions.
    text = (root / "cart.py").read_text() + (
        "\n\ndef refund(order, amount):\n    if amount > order.paid:\n"
        "        raise ValueError(amount)\n    order.paid -= amount\n    return order\n"
    )
    uri = open_document(client, root / "cart.py", text)
    found = titles(await lenses(client, uri))
    refund_line = text.splitlines().index("def refund(order, amount):") + 1
    assert any(number > refund_line for number, _ in found), found
    js = root / "pricing.js"
    js.write_text(
        "function price(items, rate) {\n  let total = 0;\n  for (const item of items) {\n"
        "    if (item.qty > 10) {\n      total += item.cost * rate;\n    }\n  }\n"
        "  return total;\n}\n"
    )
    ts = root / "limit.ts"
    ts.write_text(
        "export function allowed(used: number, limit: number): boolean {\n"
        "  if (used >= limit) {\n    return false;\n  }\n  return true;\n}\n"
    )
    for path, language in ((js, "javascript"), (ts, "typescript")):
        found = titles(await lenses(client, open_document(client, path, language=language)))
        assert any(title.startswith("Smart Debug: ") for _, title in found), (path, found)


async def test_lenses_follow_edits_and_drop_a_changed_line(
    client: LanguageClient, tmp_path: Path
) -> None:
    root, uri, line = await open_cart(client, tmp_path)
    before = _suggestion_at(await lenses(client, uri), line)
    edit(client, uri, 2, (0, 0), (0, 0), "# one\n# two\n# three\n")
    moved = await lenses(client, uri)  # served at once, moved with the text
    after = _suggestion_at(moved, line + 3)
    assert after["probe"] == {**before["probe"], "line": line + 3}
    assert after["code"] == before["code"]
    # The suggested line's own code changes: its lens goes rather than point at other code.
    edit(client, uri, 3, (line + 2, 4), (line + 2, 30), "if count >= BULK_THRESHOLD:")
    changed = await lenses(client, uri)
    assert not [lens for lens in changed if lens.data.get("code", "").strip() == DECISION], titles(
        changed
    )
    # The new text is analysed meanwhile; the client is asked to refresh when it is done.
    await wait_for_async(lambda: client.lens_refreshes >= 1, what="workspace/codeLens/refresh")
    fresh = await lenses(client, uri)
    assert fresh and all(lens.data.get("code", "").strip() != DECISION for lens in fresh), (
        "a lens still points at the old code"
    )


async def test_store_written_by_another_process_refreshes_the_lenses(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    await start(client, root)
    uri = open_document(client, root / "cart.py")
    assert not [t for _, t in titles(await lenses(client, uri)) if t.startswith("H1 ")]
    line = line_of(root / "cart.py", DECISION)
    await in_other_process(
        root,
        f"""
        from dap_proxy.hypotheses.models import (
            CodeLocation, Evidence, EvidenceSource, FailureContext, Hypothesis)
        session = store.new_session("debug", "bulk discount", FailureContext())
        store.save_hypotheses(session, [Hypothesis(
            id="H1", statement="the bulk discount starts one item late", category="logic_error",
            pattern="off_by_one", probability=62.0, status="supported",
            locations=[CodeLocation(file="cart.py", line={line}, code={DECISION!r},
                                    role="loop bound")],
            supporting_evidence=[Evidence(
                observation="perturbation experiment on line {line}: `count > BULK_THRESHOLD` "
                "-> `count >= BULK_THRESHOLD` -> fixed (fixed 2 of 2 failing tests)",
                source=EvidenceSource.EXPERIMENT, file="cart.py", line={line}, value="fixed")],
        )])
        """,
    )
    await wait_for_async(lambda: client.lens_refreshes >= 1, what="workspace/codeLens/refresh")
    found = titles(await lenses(client, uri))
    function_line = line_of(
        root / "cart.py", "def discount(items: list[tuple[float, int]]) -> float:"
    )
    assert (function_line, "H1 62% · off-by-one in the loop bound · confirmed by a mutant") in found
    assert (function_line, "Show evidence") in found


async def test_accept_returns_the_breakpoint_and_the_store_holds_it(
    client: LanguageClient, tmp_path: Path
) -> None:
    root, uri, line = await open_cart(client, tmp_path)
    found = await lenses(client, uri)
    [accept] = [
        lens.command
        for lens in found
        if lens.range.start.line == line - 1 and lens.command.command == "smartDebug.accept"
    ]
    spec = await command(client, "smartDebug.accept", *accept.arguments)
    assert spec["uri"] == uri and spec["line"] == line and spec["column"] == 1
    assert spec["condition"] is None and spec["hitCondition"] is None
    assert "count={count}" in spec["logMessage"] and spec["recorded"] is True
    with Store.open(root) as store:
        [decision] = store.probe_decisions(status="accepted")
    assert decision.file == "cart.py" and decision.line == line
    assert decision.code.strip() == DECISION and decision.probe.log_message == spec["logMessage"]
    assert decision.source == "lsp"
    after = [t for n, t in titles(await lenses(client, uri)) if n == line]
    assert after[0].startswith("Smart Debug: accepted logpoint") and "Add breakpoint" in after


async def test_dismissed_suggestion_stays_gone_after_its_line_moves(
    client: LanguageClient, tmp_path: Path
) -> None:
    root, uri, line = await open_cart(client, tmp_path)
    data = _suggestion_at(await lenses(client, uri), line)
    [dismiss] = [
        lens.command
        for lens in await lenses(client, uri)
        if lens.range.start.line == line - 1 and lens.command.command == "smartDebug.dismiss"
    ]
    result = await command(client, "smartDebug.dismiss", *dismiss.arguments)
    assert result == {"dismissed": True, "line": line, "recorded": True}
    assert not [
        lens for lens in await lenses(client, uri) if lens.data.get("probe") == data["probe"]
    ]
    refreshes = client.lens_refreshes
    edit(client, uri, 2, (0, 0), (0, 0), "import math\n\n")
    await wait_for_async(
        lambda: client.lens_refreshes > refreshes, what="lenses of the edited text"
    )
    moved = await lenses(client, uri)
    assert not [
        lens
        for lens in moved
        if lens.data.get("code", "").strip() == DECISION
        and lens.data["probe"]["log_message"] == data["probe"]["log_message"]
    ], titles(moved)
    with Store.open(root) as store:
        [decision] = store.probe_decisions(status="dismissed")
    assert decision.line == line and decision.code.strip() == DECISION


async def test_bad_initialization_options_get_a_message_and_keep_the_good_ones(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    await start(
        client,
        root,
        {
            "maxLensesPerFile": 2,
            "ai": "openai",
            "lenses": {"suggestions": "sometimes"},
            "colour": 1,
        },
    )
    uri = open_document(client, root / "cart.py")
    found = await lenses(client, uri)  # the server works: the requests are answered
    await wait_for_async(
        lambda: len(client.messages) >= 3, what="window/showMessage for each bad option"
    )
    text = "\n".join(m.message for m in client.messages)
    for name in ("initializationOptions.ai", "lenses.suggestions", "colour"):
        assert name in text, text
    assert all(m.type == types.MessageType.Warning for m in client.messages)
    assert 0 < len({lens.range.start.line for lens in found}) <= 2  # the good option is kept


async def test_binary_and_oversized_buffers_get_no_lenses_and_one_log_message(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    await start(client, root)
    binary = open_document(client, root / "blob.py", "x = 1\n\0\0\0 data\n")
    assert await lenses(client, binary) == []
    assert await lenses(client, binary) == []
    huge = open_document(client, root / "huge.py", "x = 1\n" * 400_000)
    assert await lenses(client, huge) == []
    await wait_for_async(lambda: len(client.log_messages) >= 2, what="window/logMessage")
    about = [m.message for m in client.log_messages if "blob.py" in m.message]
    assert len(about) == 1 and "binary" in about[0], client.log_messages
    assert any("huge.py" in m.message and "too large" in m.message for m in client.log_messages)


async def test_the_store_s_latest_failure_ranks_the_suggestions_of_the_buffer(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example(tmp_path)
    cart = root / "cart.py"
    crash_code = "return subtotal(items) * BULK_DISCOUNT"
    crash = line_of(cart, crash_code)
    failure = ParsedFailure(
        exceptions=[
            ExceptionInfo(
                type="ZeroDivisionError",
                message="float division by zero",
                frames=[
                    Frame(
                        file=str(cart),
                        line=crash,
                        function="discount",
                        code=crash_code,
                        workspace_path=str(cart),
                    )
                ],
            )
        ]
    )
    with Store.open(root) as store:
        store.new_session("triage", "crash", FailureContext(workspace=str(root), failure=failure))
    await start(client, root)
    # Unsaved lines above: the failure's probes are made on the saved file, found by their code.
    text = "import math\n\n" + cart.read_text()
    uri = open_document(client, cart, text)
    found = await lenses(client, uri)
    first = titles(found)[0]
    assert first[0] == crash + 2, titles(found)
    assert "just before the failing line" in first[1]
    assert float(first[1].rsplit(" · ", 1)[1]) >= 0.9  # above every static suggestion
