"""Helpers for the language server's end-to-end tests: a pytest-lsp client that also answers
`workspace/codeLens/refresh` (and counts them), the client capabilities of an editor like VS Code,
and the example program each test works on (a copy of examples/shopping_cart)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import make_test_lsp_client

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "shopping_cart"
SERVER_COMMAND = [sys.executable, "-m", "dap_proxy.cli", "lsp"]
LSP_TIMEOUT = 30.0  # seconds: a response, a process
LOCALIZE_TIMEOUT = 110.0  # seconds: a whole localize run through the command
DECISION = "if count > BULK_THRESHOLD:"  # the example's faulty line
CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, client_factory=lambda: make_client())

CAPABILITIES = types.ClientCapabilities(
    workspace=types.WorkspaceClientCapabilities(
        code_lens=types.CodeLensWorkspaceClientCapabilities(refresh_support=True),
        apply_edit=True,
    ),
    window=types.WindowClientCapabilities(work_done_progress=True),
    text_document=types.TextDocumentClientCapabilities(
        code_lens=types.CodeLensClientCapabilities(),
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        code_action=types.CodeActionClientCapabilities(),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(),
    ),
)


def make_client() -> LanguageClient:
    client = make_test_lsp_client()
    client.lens_refreshes = 0  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def refresh(ls: LanguageClient, params: None) -> None:
        ls.lens_refreshes += 1  # type: ignore[attr-defined]

    return client


def copy_example(tmp_path: Path, name: str = "cart") -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".smart-debug", "__pycache__"))
    return target


async def start(
    client: LanguageClient, root: Path, options: dict[str, Any] | None = None
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=CAPABILITIES,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )


def open_document(
    client: LanguageClient, path: Path, text: str | None = None, language: str = "python"
) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id=language,
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )
    return uri


def edit(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
) -> None:
    """One incremental change; positions are LSP's (0-based)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=start[0], character=start[1]),
                        end=types.Position(line=end[0], character=end[1]),
                    ),
                    text=text,
                )
            ],
        )
    )


async def lenses(client: LanguageClient, uri: str) -> list[types.CodeLens]:
    """The document's lenses, each resolved (as an editor does for the visible ones)."""
    found = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return [await client.code_lens_resolve_async(lens) for lens in found or []]


def titles(found: list[types.CodeLens]) -> list[tuple[int, str]]:
    """(1-based line, title) of each resolved lens."""
    return [
        (lens.range.start.line + 1, lens.command.title if lens.command else "") for lens in found
    ]


async def command(client: LanguageClient, name: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(arguments))
    )


def line_of(path: Path, code: str) -> int:
    """The 1-based line whose text (stripped) is `code` (test programs are found by content)."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip() == code:
            return number
    raise AssertionError(f"no line {code!r} in {path}")


async def in_other_process(root: Path, code: str) -> None:
    """Run `code` in a separate Python process with `store` open on `root`'s store (a debug
    session, a terminal `localize` or another editor writing while the server runs)."""
    script = (
        "import sys\nfrom pathlib import Path\nfrom dap_proxy.evidence.store import Store\n"
        "store = Store.open(Path(sys.argv[1]))\n" + textwrap.dedent(code) + "\nstore.close()\n"
    )
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", script, str(root))
    assert await asyncio.wait_for(process.wait(), LSP_TIMEOUT) == 0


async def open_cart(
    client: LanguageClient, tmp_path: Path, options: dict[str, Any] | None = None
) -> tuple[Path, str, int]:
    """A copy of the example as the workspace, the server started on it and cart.py open:
    (root, cart.py's uri, the faulty decision's line)."""
    root = copy_example(tmp_path)
    await start(client, root, options)
    uri = open_document(client, root / "cart.py")
    return root, uri, line_of(root / "cart.py", DECISION)
