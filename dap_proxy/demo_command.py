"""`smart-debug demo`: argument parsing only; the work is in `demo.py`, imported when the command
runs (its subprocess and scratch-folder imports would slow down every other subcommand's start)."""

from __future__ import annotations

import argparse
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shopping_cart"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the main job on the bundled shopping-cart example (debug session, triage, "
        "localize)",
        description="Debug the bundled example through the proxy and a real debugpy, then "
        "triage and localize its bug.",
    )
    parser.add_argument(
        "--example",
        default=str(EXAMPLE),
        help="example folder (default: the bundled shopping cart)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dap_proxy.demo import run_demo

    return run_demo(args)
