"""Benchmark of the language server: code lenses on a 5,000-line Python file through the real
server (`smart-debug lsp` over stdio, driven by pygls's client), on open and after an edit, next
to raw tree-sitter parsing of the same text and to the analysis engine's own work on it
(`probes_for_source`) in this process, side by side in one run.
Target: the code lens response p95 <= 50 ms, on open and after an edit.

Each round opens the file under a new name (so nothing is cached), asks for its lenses and
resolves them, then types one line in the middle of a function and asks again. After an edit the
server answers with the lenses it has, moved with the text, while it analyses the new text; the
time until it asks the client to refresh (the new text's lenses are ready) is printed too.

Each round also opens the same text as plain text (a language the engine does not read) and asks
for its lenses: the server's own floor (the 200 KB message, its JSON, the handlers, the reply)
with no analysis. That floor plus the raw parse of the same round is the least any server that
parses the whole text before answering could take.

Last, the raw parse alone in a loop for 15 s, as medians of half-second windows: this machine's
speed changes in phases, and the row says which phases the rounds above may have met.

Usage: .venv/bin/python bench/lsp.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import tree_sitter as ts
from lsprotocol import types
from pygls.lsp.client import LanguageClient

# This script is bench/lsp.py: its folder must not shadow the `lsp` package it measures.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
_spec = importlib.util.spec_from_file_location("bench_analysis", BENCH / "analysis.py")
assert _spec is not None and _spec.loader is not None
bench_analysis = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_analysis)  # the same 5,000-line file as bench/analysis.py

from dap_proxy.analysis.languages import new_parser  # noqa: E402
from dap_proxy.analysis.probes import probes_for_source  # noqa: E402
from lsp.options import DEFAULT_MAX_LENSES  # noqa: E402

P95_TARGET_MS = 50.0
PHASE_SECONDS = 15.0  # the parse-only loop at the end
PHASE_WINDOW = 0.5  # seconds per median it prints
REFRESH_TIMEOUT = 60.0  # seconds for the server to finish analysing an edited text
WARMUP_ROUNDS = 1  # imports and query compilation in the server, not counted
CAPABILITIES = types.ClientCapabilities(
    workspace=types.WorkspaceClientCapabilities(
        code_lens=types.CodeLensWorkspaceClientCapabilities(refresh_support=True)
    ),
)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def edit_target(lines: list[str]) -> int:
    """A statement line in the middle of the file, inside a function body (0-based)."""
    return next(
        i for i in range(len(lines) // 2, len(lines)) if lines[i].startswith("        ans = ")
    )


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("smart-debug-bench", "1")
        self.refreshed = asyncio.Event()

        @self.client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
        def refresh(params: None) -> None:
            self.refreshed.set()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            pass

    async def start(self, root: Path) -> None:
        await self.client.start_io(sys.executable, "-m", "dap_proxy.cli", "lsp")
        await self.client.initialize_async(
            types.InitializeParams(capabilities=CAPABILITIES, root_uri=root.as_uri())
        )
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    async def lenses(self, uri: str) -> list[types.CodeLens]:
        found = await self.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(found or [])

    def open(self, uri: str, language: str, text: str) -> None:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    async def floor(self, path: Path, text: str) -> float:
        """ms from opening `text` as plain text to its (empty) lenses."""
        uri = path.as_uri()
        start = time.perf_counter()
        self.open(uri, "plaintext", text)
        assert not await self.lenses(uri), "lenses on a plain text buffer"
        elapsed = (time.perf_counter() - start) * 1000
        self.close(uri)
        return elapsed

    async def round(self, path: Path, text: str, target: int) -> dict[str, float]:
        uri = path.as_uri()
        start = time.perf_counter()
        self.open(uri, "python", text)
        opened = await self.lenses(uri)
        open_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        for lens in opened:
            await self.client.code_lens_resolve_async(lens)
        resolve_ms = (time.perf_counter() - start) * 1000
        assert opened, "no lenses on the 5,000-line file"
        line = text.split("\n")[target]
        indent = len(line) - len(line.lstrip())
        self.refreshed.clear()
        start = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=target, character=indent),
                            end=types.Position(line=target, character=len(line)),
                        ),
                        text="ans = _edit_marker(1)  # edited",
                    )
                ],
            )
        )
        edited = await self.lenses(uri)
        edit_ms = (time.perf_counter() - start) * 1000
        await asyncio.wait_for(self.refreshed.wait(), REFRESH_TIMEOUT)
        fresh_ms = (time.perf_counter() - start) * 1000
        assert edited and await self.lenses(uri)
        self.close(uri)
        return {"open": open_ms, "resolve": resolve_ms, "edit": edit_ms, "fresh": fresh_ms}


def parse_phases(parser: ts.Parser, source: bytes) -> list[float]:
    """Median ms of the raw parse in each PHASE_WINDOW of a PHASE_SECONDS loop."""
    medians: list[float] = []
    end = time.monotonic() + PHASE_SECONDS
    while time.monotonic() < end:
        window_end = time.monotonic() + PHASE_WINDOW
        window: list[float] = []
        while time.monotonic() < window_end:
            start = time.perf_counter()
            parser.parse(source)
            window.append((time.perf_counter() - start) * 1000)
        medians.append(statistics.median(window))
    return medians


async def run(rounds: int) -> int:
    source = bench_analysis.five_thousand_lines()
    text = source.decode("utf-8")
    target = edit_target(text.split("\n"))
    parser = new_parser("python")
    results: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench = Bench()
        await bench.start(root)
        try:
            for index in range(rounds + WARMUP_ROUNDS):
                path = root / f"big_module_{index}.py"
                path.write_text(text)
                start = time.perf_counter()
                parser.parse(source)
                parse_ms = (time.perf_counter() - start) * 1000
                start = time.perf_counter()
                probes_for_source(source, str(path), DEFAULT_MAX_LENSES)
                engine_ms = (time.perf_counter() - start) * 1000
                measured = await bench.round(path, text, target)
                floor_ms = await bench.floor(root / f"big_module_{index}.txt", text)
                if index >= WARMUP_ROUNDS:
                    results.append(
                        {
                            **measured,
                            "parse": parse_ms,
                            "engine": engine_ms,
                            "floor": floor_ms,
                            "bound": floor_ms + parse_ms,
                        }
                    )
        finally:
            await bench.stop()
    column = {k: [r[k] for r in results] for k in results[0]}
    parse = statistics.median(column["parse"])
    lines = text.count("\n")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"code lenses through `smart-debug lsp` (stdio), {lines} lines, {rounds} rounds")
    print(f"load average while measuring: {load} ({os.cpu_count()} cores)")
    print(f"{'':34} {'median ms':>10} {'p95 ms':>8} {'p95÷parse':>10}")
    rows = [
        ("raw tree-sitter parse (this proc)", "parse"),
        ("probes_for_source (this proc)", "engine"),
        ("lenses on open", "open"),
        ("resolve every lens", "resolve"),
        ("lenses after an edit", "edit"),
        ("edited text's lenses ready", "fresh"),
        ("plain-text floor (no analysis)", "floor"),
        ("floor + raw parse, per round", "bound"),
    ]
    for label, key in rows:
        values = column[key]
        print(
            f"{label:34} {statistics.median(values):10.2f} {p95(values):8.2f} "
            f"{p95(values) / parse:9.1f}x"
        )
    print(
        f"a server that only parsed the text before answering: p95 {p95(column['bound']):.1f} ms "
        f"(the plain-text floor plus the raw parse, round by round)"
    )
    phases = parse_phases(parser, source)
    print(
        f"raw parse alone, {PHASE_SECONDS:.0f} s loop, median ms per {PHASE_WINDOW} s: "
        + " ".join(f"{m:.0f}" for m in phases)
    )
    missed = [key for key in ("open", "edit") if p95(column[key]) > P95_TARGET_MS]
    for key in ("open", "edit"):
        verdict = "MISSED" if key in missed else "ok"
        print(f"p95 {key}: {p95(column[key]):.1f} ms (target <= {P95_TARGET_MS:.0f} ms) {verdict}")
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="measured rounds (40)")
    args = parser.parse_args(argv)
    return asyncio.run(run(max(args.rounds, 2)))


if __name__ == "__main__":
    sys.exit(main())
