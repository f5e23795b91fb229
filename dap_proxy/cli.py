"""The `smart-debug` command line: one subcommand per room, each registered by that room's
`command.py` (argument parsing only; the work is imported lazily so `--help` stays fast)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from dap_proxy import __version__

# Each module defines `register(subparsers)`, which adds its subcommand(s) and sets `func`
# (called with the parsed namespace, returning the exit code).
COMMAND_MODULES = (
    "dap_proxy.serve",
    "dap_proxy.analysis.command",
    "dap_proxy.hypotheses.command",
    "dap_proxy.experiments.command",
    "dap_proxy.workflow.command",
    "dap_proxy.demo_command",
    "dap_proxy.mcp.command",
    "lsp.command",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smart-debug",
        description="Smart debugging: a DAP proxy over debugpy, code analysis, hypotheses "
        "and automated fault localization.",
    )
    parser.add_argument("--version", action="version", version=f"smart-debug {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
