"""`smart-debug dap [--port N] [--log-file PATH]`: the proxy with its rooms wired in.

The proxy (`dap_proxy.proxy`) never imports a room; this module is where each new session gets
them, in order: the breakpoints room (merges injected probes into the editor's breakpoints and
keeps the editor's view exactly its own), then the live session (failure context, probes,
evidence, hypotheses, `smartDebug/*` events and requests, the store).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dap_proxy.proxy.rooms import Room


def session_rooms() -> list[Room]:
    """The rooms of one new session (fresh state each time)."""
    from dap_proxy.breakpoints.room import BreakpointsRoom
    from dap_proxy.live.room import LiveRoom

    breakpoints = BreakpointsRoom()
    return [breakpoints, LiveRoom(breakpoints)]


def _run(args: argparse.Namespace) -> int:
    from dap_proxy.proxy.server import run

    return run(args.port, args.log_file, args.max_frame, rooms=session_rooms)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range 0-65535: {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dap",
        help="run the debug adapter (DAP proxy over debugpy) on stdio or a loopback port",
        description="A Debug Adapter Protocol adapter: forwards to debugpy and adds smart-debug's "
        "analysis. Speaks DAP on stdio unless --port is given.",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=None,
        help="serve one editor on 127.0.0.1:PORT instead of stdio (0 picks a free port; "
        "the chosen port is printed)",
    )
    parser.add_argument(
        "--log-file",
        default=None,
        metavar="PATH",
        help="append a JSON-lines log of all DAP traffic to PATH (or set SMART_DEBUG_LOG)",
    )
    parser.add_argument(
        "--max-frame",
        type=int,
        default=64 * 1024 * 1024,
        metavar="BYTES",
        help="largest DAP message accepted (default 64 MiB)",
    )
    parser.set_defaults(func=_run)
