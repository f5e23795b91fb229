"""`smart-debug dap [--port N [--host HOST [--allow-remote]]] [--log-file PATH]`: the proxy with
its rooms wired in.

The proxy (`dap_proxy.proxy`) never imports a room; this module is where each new session gets
them, in order: the breakpoints room (merges injected probes into the editor's breakpoints and
keeps the editor's view exactly its own), then the live session (failure context, probes,
evidence, hypotheses, `smartDebug/*` events and requests, the store).
"""

from __future__ import annotations

import argparse
import sys
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
    from dap_proxy.proxy.server import LOOPBACK, run

    if args.port is None and (args.host is not None or args.allow_remote):
        print("smart-debug dap: --host and --allow-remote need --port", file=sys.stderr)
        return 2
    host = args.host or LOOPBACK
    rooms = _plain if args.plain else session_rooms
    return run(args.port, args.log_file, args.max_frame, host, args.allow_remote, rooms)


def _plain() -> list[Room]:
    return []


def port_argument(text: str) -> int:
    """argparse type of a TCP port number (0 included: the system picks one)."""
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
        type=port_argument,
        default=None,
        help="serve editors on 127.0.0.1:PORT instead of stdio, one session after another "
        "until stopped (0 picks a free port; the chosen port is printed)",
    )
    parser.add_argument(
        "--host",
        default=None,
        help="address to listen on with --port (default 127.0.0.1); anything but a loopback "
        "address is refused unless --allow-remote is given",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow --host to be reachable from other machines (warns: DAP and debugpy have no "
        "authentication, so anyone who can connect can run code in the debugged program; an "
        "SSH tunnel to 127.0.0.1 is the safe way)",
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
    parser.add_argument(
        "--plain",
        action="store_true",
        help="forward only: no injected probes, evidence or smartDebug/* events (the proxy "
        "without its rooms, for comparison and troubleshooting)",
    )
    parser.set_defaults(func=_run)
