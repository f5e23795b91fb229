"""CLI registration of `smart-debug mcp` (argument parsing only; the MCP SDK and the engines are
imported when the command runs, so `smart-debug --help` stays fast). Contract: DESIGN.md,
"Contracts": a stdio MCP server, the transport local servers of Claude Code and Cursor use."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dap_proxy.experiments.command import positive_count, positive_number

EXIT_BAD_USAGE = 2
DEFAULT_TIMEOUT = 600.0  # seconds: the longest any tool call may run (localize's budget included)
DEFAULT_MAX_SESSIONS = 3  # debug sessions an agent may have open at once


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "mcp",
        help="an MCP server (stdio): triage, localize, history and live debug sessions as tools "
        "for AI agents",
        description="Serve the Model Context Protocol on stdin/stdout, as Claude Code, Cursor and "
        "other MCP clients start local servers. Tools: triage, localize, history, and live Smart "
        "Debug Sessions (start_session, session_state, hypotheses, test_hypothesis, add_probe, "
        "remove_probe, continue, step, evaluate, stop_session). No tool writes your files; "
        "localize runs experiments in a scratch copy; a session an agent started ends when the "
        "client disconnects.",
        epilog="Claude Code: claude mcp add smart-debug -- /path/to/.venv/bin/smart-debug mcp",
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        default=None,
        metavar="DIR",
        help="the project the tools work on (default: the current directory)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_number,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"the longest any tool call may run ({DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-sessions",
        type=positive_count,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"debug sessions an agent may have open at once ({DEFAULT_MAX_SESSIONS})",
    )
    parser.add_argument(
        "--allow-free-evaluate",
        action="store_true",
        help="let `evaluate` run any expression in the debugged program (default: only "
        "expressions that cannot change it, the same check as probes)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    workspace = (args.workspace or Path.cwd()).expanduser().resolve()
    if not workspace.is_dir():
        print(
            f"smart-debug mcp: the workspace {workspace} is not a folder; give --workspace the "
            "project's folder (or start the server in it)",
            file=sys.stderr,
        )
        return EXIT_BAD_USAGE
    from dap_proxy.mcp.calls import ServerConfig
    from dap_proxy.mcp.server import serve

    serve(
        ServerConfig(
            workspace=workspace,
            timeout=args.timeout,
            max_sessions=args.max_sessions,
            allow_free_evaluate=args.allow_free_evaluate,
        )
    )
    return 0
