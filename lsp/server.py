"""`smart-debug lsp`: the language server (pygls 2.x, LSP 3.17). Suggested breakpoints and the
workspace's hypotheses as code lenses, Accept / Dismiss / Localize / Show evidence as commands,
observed values on hover, confirmed fixes as diagnostics with a quick fix.

Handlers are thin, in jedi-language-server's style: get the document, ask the engine
(`lsp/engine.py`, which reads the analysis engine and the workspace store), convert
(`lsp/convert.py`). The slow part, a buffer's probes, runs on a worker thread so the event loop
keeps serving; the store is polled for changes made by other processes (a debug session, a
terminal `localize`, another editor) and the client is asked to refresh its lenses then.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from dap_proxy import __version__
from dap_proxy.evidence.live_records import DecisionStatus
from dap_proxy.evidence.store import Store, StoreError
from lsp import convert
from lsp.documents import OpenDocument
from lsp.engine import CommandError, Engine, LocalizeRequest, parse
from lsp.localize_job import Cancelled, run_localize
from lsp.options import ServerOptions, read_options
from lsp.text import split_lines

STORE_POLL_SECONDS = 0.5  # how soon another process's write to the store shows in the editor
# After an edit the buffer is analysed again once its text has been still this long: analysing
# on every keystroke would slow down the answers the editor is waiting for.
EDIT_PAUSE_SECONDS = 0.3
T = TypeVar("T")


class SmartDebugServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("smart-debug", __version__)
        self.engine = Engine(Path.cwd(), ServerOptions(), None)
        self.problems: list[str] = []
        self.documents: dict[str, OpenDocument] = {}
        self.poller: asyncio.Task[None] | None = None
        self.localizing = False

    # -- set-up ----------------------------------------------------------------------------------

    def start(self, params: types.InitializeParams) -> None:
        options, self.problems = read_options(params.initialization_options)
        root = _root(params)
        if options.storePath:
            root = (root / options.storePath).resolve()
        store = None
        try:
            store = Store.open(root)
        except StoreError as exc:
            self.problems.append(f"{exc}; suggestions still show, decisions are not recorded")
        self.engine = Engine(root, options, store)

    def supports_refresh(self) -> bool:
        workspace = self.client_capabilities.workspace
        lenses = workspace.code_lens if workspace is not None else None
        return bool(lenses is not None and lenses.refresh_support)

    # -- documents -------------------------------------------------------------------------------

    def state(self, document: TextDocument) -> OpenDocument:
        state = self.documents.get(document.uri)
        if state is None:
            file = to_fs_path(document.uri) if document.uri.startswith("file:") else None
            state = self.engine.document(document.uri, file, document.language_id)
            self.documents[document.uri] = state
        return state

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)

    def prepare(self, document: TextDocument) -> OpenDocument:
        """Start computing the buffer's probes unless they are for its text already: at once the
        first time, else once the typing pauses (the last ones, moved with the edits, are
        served meanwhile)."""
        state = self.state(document)
        if not state.fresh(document.version) and (state.pending is None or state.pending.done()):
            state.pending = asyncio.ensure_future(
                self._recompute(state, wait=state.probes is not None)
            )
            state.pending.add_done_callback(self._failed)
        return state

    async def current(self, document: TextDocument) -> OpenDocument:
        """The buffer's state, with probes: the first ones are waited for."""
        state = self.prepare(document)
        if state.probes is None and state.pending is not None:
            await asyncio.shield(state.pending)
        return state

    def _failed(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (error := task.exception()) is not None:
            self.window_log_message(
                convert.log(f"analysing a buffer failed: {error!r}", error=True)
            )

    async def _recompute(self, state: OpenDocument, wait: bool) -> None:
        while True:
            while wait and (still := state.edited_at + EDIT_PAUSE_SECONDS - time.monotonic()) > 0:
                await asyncio.sleep(still)
            document = self.workspace.get_text_document(state.uri)
            version, text = document.version, document.source
            probes, refused = await self.run(self.engine.compute, state, text)
            if self.workspace.get_text_document(state.uri).version == version:
                state.computed_from(version, probes, refused)
                break
            wait = True  # edited meanwhile: again, once the typing pauses
        if state.refused and not state.told:
            state.told = True
            name = Path(state.file or state.uri).name
            self.window_log_message(convert.log(f"no code lenses for {name}: {state.refused}"))
        if wait:
            self.refresh()

    def refresh(self) -> None:
        """Ask the client for new lenses and publish the diagnostics again."""
        if self.supports_refresh():
            self.workspace_code_lens_refresh(None)
        for uri in list(self.documents):
            self.publish(self.workspace.get_text_document(uri))

    def publish(self, document: TextDocument) -> None:
        state = self.state(document)
        found = convert.diagnostics(self.engine.fixes(state, document.source), document)
        self.text_document_publish_diagnostics(
            convert.publish(document.uri, document.version, found)
        )

    def store_written(self) -> None:
        self.engine.records.changed()
        self.refresh()

    async def poll_store(self) -> None:
        while True:
            await asyncio.sleep(STORE_POLL_SECONDS)
            if self.engine.records.poll():
                self.refresh()


SERVER = SmartDebugServer()


def _root(params: types.InitializeParams) -> Path:
    for uri in [params.root_uri, *(f.uri for f in params.workspace_folders or [])]:
        if uri and (path := to_fs_path(uri)):
            return Path(path)
    return Path(params.root_path) if params.root_path else Path.cwd()


def _refused(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A command's `CommandError` as a JSON-RPC error response with its message."""

    async def wrapped(ls: SmartDebugServer, *args: Any) -> Any:
        try:
            return await handler(ls, *args)
        except CommandError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None

    wrapped.__name__ = handler.__name__
    return wrapped


def _one(args: tuple[Any, ...]) -> Any:
    if len(args) != 1:
        raise CommandError(f"expected one argument (an object), got {len(args)}")
    return args[0]


# -- lifecycle -------------------------------------------------------------------------------------


@SERVER.feature(types.INITIALIZE)
def initialize(ls: SmartDebugServer, params: types.InitializeParams) -> None:
    ls.start(params)


@SERVER.feature(types.INITIALIZED)
def initialized(ls: SmartDebugServer, params: types.InitializedParams) -> None:
    for problem in ls.problems:
        ls.window_show_message(convert.show(problem))
    ls.engine.records.poll()  # the version before any request read the store
    ls.poller = asyncio.ensure_future(ls.poll_store())
    # What exists now (modules, pygls's and pydantic's tables) lives as long as the server: out
    # of the collector's sight, each full collection during a buffer's analysis stays short.
    gc.freeze()


@SERVER.feature(types.SHUTDOWN)
def shutdown(ls: SmartDebugServer, params: None) -> None:
    if ls.poller is not None:
        ls.poller.cancel()
    if ls.engine.store is not None:
        ls.engine.store.close()


@SERVER.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SmartDebugServer, params: types.DidOpenTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.publish(document)
    ls.prepare(document)  # the lens request that follows waits for it


@SERVER.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: SmartDebugServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    changes = convert.line_changes(params.content_changes)
    ls.state(document).edited(changes, split_lines(document.source), document.version)
    ls.publish(document)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: SmartDebugServer, params: types.DidCloseTextDocumentParams) -> None:
    state = ls.documents.pop(params.text_document.uri, None)
    if state is not None and state.pending is not None:
        state.pending.cancel()
    ls.text_document_publish_diagnostics(convert.publish(params.text_document.uri, None, []))


# -- features ----------------------------------------------------------------------------------------


@SERVER.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
async def code_lens(ls: SmartDebugServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    document = ls.workspace.get_text_document(params.text_document.uri)
    state = await ls.current(document)
    items = await ls.run(ls.engine.lens_items, state, document.source)
    return convert.code_lenses(items, document.uri)


@SERVER.feature(types.CODE_LENS_RESOLVE)
def code_lens_resolve(ls: SmartDebugServer, lens: types.CodeLens) -> types.CodeLens:
    return convert.resolve_lens(lens)


@SERVER.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: SmartDebugServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    state = ls.state(document)
    text = await ls.run(ls.engine.hover, state, document.source, params.position.line + 1)
    return convert.hover(text) if text else None


@SERVER.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: SmartDebugServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    document = ls.workspace.get_text_document(params.text_document.uri)
    fixes = ls.engine.fixes(ls.state(document), document.source)
    return convert.quick_fixes(fixes, document, params.range)


# -- commands ----------------------------------------------------------------------------------------


def _document(ls: SmartDebugServer, raw: Any) -> TextDocument:
    uri = raw.get("uri") if isinstance(raw, dict) else None
    if not isinstance(uri, str):
        raise CommandError("the argument needs the document's `uri`")
    return ls.workspace.get_text_document(uri)


@SERVER.command(convert.ACCEPT)
@_refused
async def accept(ls: SmartDebugServer, *args: Any) -> dict[str, Any]:
    raw = _one(args)
    document = _document(ls, raw)
    state = ls.state(document)
    probe, recorded = await ls.run(
        ls.engine.decide, state, document.source, raw, DecisionStatus.ACCEPTED
    )
    ls.store_written()
    return convert.breakpoint_spec(document.uri, probe, recorded)


@SERVER.command(convert.DISMISS)
@_refused
async def dismiss(ls: SmartDebugServer, *args: Any) -> dict[str, Any]:
    raw = _one(args)
    document = _document(ls, raw)
    probe, recorded = await ls.run(
        ls.engine.decide, ls.state(document), document.source, raw, DecisionStatus.DISMISSED
    )
    ls.store_written()
    return {"dismissed": True, "line": probe.line, "recorded": recorded}


@SERVER.command(convert.SHOW_EVIDENCE)
@_refused
async def show_evidence(ls: SmartDebugServer, *args: Any) -> dict[str, str]:
    raw = _one(args)
    session = raw.get("session") if isinstance(raw, dict) else None
    hypothesis = raw.get("hypothesis") if isinstance(raw, dict) else None
    if not isinstance(session, int) or not isinstance(hypothesis, str):
        raise CommandError("expected {session: int, hypothesis: str}, as the lens passes it")
    return convert.markdown(await ls.run(ls.engine.evidence, session, hypothesis))


@SERVER.command(convert.LOCALIZE)
@_refused
async def localize(ls: SmartDebugServer, *args: Any) -> dict[str, Any]:
    raw = args[0] if args else {}
    request = parse(LocalizeRequest, raw, "{uri?, line?, command?}")
    document = ls.workspace.get_text_document(request.uri) if request.uri else None
    state = ls.state(document) if document is not None else None
    text = document.source if document is not None else ""
    command = await ls.run(ls.engine.test_command, request, state, text)
    if ls.localizing:
        raise CommandError("localize is already running; cancel it or wait for it to finish")
    ls.localizing = True
    try:
        return await _localize(ls, command)
    finally:
        ls.localizing = False


async def _localize(ls: SmartDebugServer, command: list[str]) -> dict[str, Any]:
    cancel = asyncio.Event()
    progress = ls.work_done_progress
    token: str | None = None
    window = ls.client_capabilities.window
    if window is not None and window.work_done_progress:
        token = f"smartDebug.localize/{uuid.uuid4()}"
        await progress.create_async(token)
        progress.begin(token, convert.progress_begin("Smart Debug: localize", " ".join(command)))
        future = progress.tokens.get(token)
        if future is not None:  # the client's cancel button
            future.add_done_callback(lambda f: cancel.set() if f.cancelled() else None)

    def report(what: str, fraction: float | None) -> None:
        if token is not None:
            progress.report(token, convert.progress_report(what, fraction))

    outcome = "cancelled"
    try:
        done = await run_localize(
            command, ls.engine.root, ls.engine.options.localize.budget, report, cancel
        )
        outcome = f"{len(done.get('hypotheses', []))} hypotheses recorded"
        ls.store_written()
        return done
    except Cancelled:
        return {"cancelled": True}
    except CommandError as exc:
        outcome = str(exc)
        raise
    finally:
        if token is not None:
            progress.end(token, convert.progress_end(outcome))
            progress.tokens.pop(token, None)


class _QuietRefusals(logging.Filter):
    """pygls logs every error response with a traceback; a refused command is not a crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], JsonRpcInvalidParams):
            record.exc_info = None
        return True


def serve(tcp: tuple[str, int] | None) -> None:
    """Run the server on stdio, or on a TCP address."""
    logging.getLogger("pygls").addFilter(_QuietRefusals())
    for name in ("pygls.protocol.json_rpc", "pygls.protocol.language_server"):
        logging.getLogger(name).addFilter(_QuietRefusals())
    if tcp is None:
        SERVER.start_io()
    else:
        SERVER.start_tcp(*tcp)
