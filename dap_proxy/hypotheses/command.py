"""CLI registration for the hypotheses room: `smart-debug triage [--json] [FILE|-]` (DESIGN.md).
Argument parsing only; the engine is imported when the command runs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Literal

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "triage",
        help="issue text / traceback in, ranked hypotheses and breakpoint suggestions out",
        description="Read an error message, traceback, reproduction steps or issue text (FILE, "
        "'-' or stdin), map it to the code in the current directory, and print the debugging "
        "strategy, ranked hypotheses and suggested breakpoints/logpoints.",
    )
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help="text file to read ('-' or none: stdin)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--ai",
        choices=("off", "anthropic"),
        default="off",
        help="add the Anthropic engine's hypotheses (only when ANTHROPIC_API_KEY is set)",
    )
    parser.add_argument(
        "--no-store", action="store_true", help="do not record this triage in .smart-debug/"
    )
    parser.add_argument(
        "--limit", type=int, default=5, metavar="N", help="hypotheses to produce (3-5)"
    )
    parser.set_defaults(func=run)


def _read(file: str | None) -> str:
    if file in (None, "-"):
        if sys.stdin.isatty():
            print("Paste the error text, then press Ctrl-D:", file=sys.stderr)
        data = sys.stdin.buffer.read()
    else:
        data = Path(file).read_bytes()
    return data.decode("utf-8", errors="replace")


def _fail(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": message}))
    else:
        print(f"smart-debug triage: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    from dap_proxy.hypotheses.triage import TriageInputError, run_triage, to_json

    try:
        text = _read(args.file)
    except OSError as exc:
        return _fail(
            f"cannot read {args.file}: {exc.strerror or exc}; give a readable file, '-' or stdin",
            args.json,
        )
    try:
        result = run_triage(
            text, Path.cwd(), ai=args.ai, use_store=not args.no_store, limit=args.limit
        )
    except TriageInputError as exc:
        return _fail(str(exc), args.json)
    if args.json:
        payload = to_json(result)
        payload["impact"] = _impact(result)
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    from rich.console import Console

    from dap_proxy.hypotheses.report import render

    render(result, Console(highlight=False, soft_wrap=False))
    return EXIT_OK


def _impact(result: object) -> dict[str, object] | None:
    """Blast radius, severity, similar patterns and fix complexity of the top hypothesis."""
    from dap_proxy.evidence.reports.model import Failure, HypothesisEntry, Location
    from dap_proxy.hypotheses.impact import impact_of
    from dap_proxy.hypotheses.models import TriageResult

    assert isinstance(result, TriageResult)
    if not result.hypotheses:
        return None
    top = result.hypotheses[0]
    entry = HypothesisEntry(
        id=top.id, statement=top.statement, probability=top.probability,
        status=top.status.value, category=top.category.value, pattern=top.pattern.value,
        engine=top.engine,
        locations=[Location(file=loc.file, line=loc.line, function=loc.function) for loc in top.locations],
    )  # fmt: skip
    context = result.context
    final = context.failure.final
    kind: Literal["hang", "wrong result", "crash"] = (
        "hang"
        if context.hang
        else "wrong result"
        if final and final.type == "AssertionError"
        else "crash"
    )
    failure = Failure(
        type=context.exception_type, failing_tests=context.failure.failing_tests, kind=kind
    )
    try:
        found = impact_of([entry], failure, Path(context.workspace))
    except Exception as exc:  # noqa: BLE001 - the triage stands without it
        return {"error": str(exc)}
    return found.model_dump(mode="json") if found else None
