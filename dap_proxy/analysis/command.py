"""`smart-debug analyze PATH... [--traceback FILE|-] [--json]`: argument parsing only; the work
is in `analysis/report.py`, imported when the command runs (keeps `--help` fast)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="read code and propose breakpoints/logpoints (per file, or for a traceback)",
        description="Analyse Python/JavaScript/TypeScript files (directories are walked, "
        "skipping .venv, .git, node_modules and __pycache__) and print the top candidate "
        "probes per file, or, with --traceback, the probes for that failure.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument(
        "--traceback",
        metavar="FILE",
        help="a traceback / pytest output / Node stack trace to localise ('-' reads stdin)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--limit", type=int, default=5, metavar="N", help="probes per file (default 5)"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dap_proxy.analysis.report import run_analyze

    return run_analyze(args.paths, traceback=args.traceback, as_json=args.json, limit=args.limit)
