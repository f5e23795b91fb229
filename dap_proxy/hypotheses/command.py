"""CLI registration for the hypotheses room: `smart-debug triage [--json] [FILE|-]` (DESIGN.md).
Argument parsing only; the engine is imported when the command runs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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
        print(json.dumps(to_json(result), indent=2))
        return EXIT_OK
    from rich.console import Console

    from dap_proxy.hypotheses.report import render

    render(result, Console(highlight=False, soft_wrap=False))
    return EXIT_OK
