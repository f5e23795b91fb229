"""CLI registration of `smart-debug lsp` (argument parsing only; the server is imported lazily so
`smart-debug --help` stays fast). Contract: DESIGN.md, "Contracts": stdio by default, `--tcp
PORT` on 127.0.0.1; another address only with `--allow-remote`, since the server reads and
records the workspace's debugging journal for whoever connects."""

from __future__ import annotations

import argparse
import sys

from dap_proxy.serve import port_argument

LOOPBACK = "127.0.0.1"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lsp",
        help="run the language server (code lenses for suggested breakpoints and hypotheses)",
        description="A Language Server Protocol server: suggested breakpoints and hypotheses as "
        "code lenses, accept/dismiss/localize commands, evidence on hover, fix hints as quick "
        "fixes. Speaks LSP on stdio unless --tcp is given.",
    )
    parser.add_argument(
        "--tcp",
        type=port_argument,
        default=None,
        metavar="PORT",
        help="serve on HOST:PORT instead of stdio",
    )
    parser.add_argument(
        "--host", default=LOOPBACK, help=f"address for --tcp (default {LOOPBACK}, loopback only)"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that is not a loopback address (anyone who can connect reads the "
        "workspace's journal)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dap_proxy.proxy.network import is_loopback

    if args.tcp == 0:
        print(
            "smart-debug lsp: --tcp needs a port number; 0 would pick one the editor cannot know",
            file=sys.stderr,
        )
        return 2
    if args.tcp is None and args.host != LOOPBACK:
        print("smart-debug lsp: --host needs --tcp PORT", file=sys.stderr)
        return 2
    if args.tcp is not None and not is_loopback(args.host):
        if not args.allow_remote:
            print(
                f"smart-debug lsp: refusing to listen on {args.host}: it is not a loopback "
                "address. Anyone who can connect reads and writes this workspace's debugging "
                "journal; pass --allow-remote to do it anyway.",
                file=sys.stderr,
            )
            return 2
        print(
            f"smart-debug lsp: warning: listening on {args.host}:{args.tcp}, reachable from "
            "other machines; the connection is not authenticated or encrypted",
            file=sys.stderr,
        )
    from lsp.server import serve

    if args.tcp is not None:
        print(f"smart-debug: language server on {args.host}:{args.tcp}", file=sys.stderr)
    serve(None if args.tcp is None else (args.host, args.tcp))
    return 0
