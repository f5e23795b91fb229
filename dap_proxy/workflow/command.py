"""CLI registration of `smart-debug run`, `verify` and `history` (argument parsing only; the work
is imported when a command runs). Contracts: DESIGN.md "Contracts"."""

from __future__ import annotations

import argparse
from pathlib import Path

from dap_proxy.experiments.command import positive_number


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="run a program or tests through the debugger: hypotheses, evidence, a report",
        description="Run `python script.py`, `python -m module` or a test command through "
        "smart-debug's proxy and debugpy, as an editor would: localize's experiments first for "
        "a test command, then a session whose live probes observe the top hypotheses. Writes "
        ".smart-debug/reports/<time>-<slug>.{md,json,html} and a regression test.",
        epilog="example: smart-debug run -- python -m pytest tests\n"
        "exit codes: 0 a ranking was produced, 2 bad usage, 3 the command never failed, "
        "4 the program could not be started, 130 interrupted",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--issue", default="", metavar="TEXT", help="what goes wrong, in words")
    run.add_argument("--traceback", default=None, metavar="FILE", help="the failure output")
    run.add_argument(
        "--budget", type=positive_number, default=None, help="seconds for the whole run (60)"
    )
    run.add_argument("--no-report", action="store_true", help="write no report files")
    run.add_argument(
        "--write-test",
        type=Path,
        default=None,
        metavar="PATH",
        help="also write the regression test to PATH in your tree (default: report folder only)",
    )
    run.add_argument("program", nargs=argparse.REMAINDER, help="-- <command...>")
    run.set_defaults(func=_run)

    verify = subparsers.add_parser(
        "verify",
        help="after a fix: re-run the failure, the regression test and the rest of the tests",
        description="Re-run the failing command of a report, its regression test, re-observe "
        "the confirmed hypothesis's probes, and run the rest of the test command for new "
        "failures. Appends the verdict to the report and the store.",
        epilog="exit 0 only when the original failure is gone and nothing new fails",
    )
    verify.add_argument("report", nargs="?", default=None, help="report file (default: latest)")
    verify.add_argument("--budget", type=positive_number, default=None, help="seconds (120)")
    verify.set_defaults(func=_verify)

    history = subparsers.add_parser(
        "history", help="past sessions of this workspace: failure, top hypothesis, verdict"
    )
    history.add_argument("query", nargs="?", default="", help="words to look for (full text)")
    history.add_argument("--limit", type=int, default=20, help="sessions to list (20)")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(func=_history)


def _run(args: argparse.Namespace) -> int:
    from dap_proxy.workflow.cli_run import main

    return main(args)


def _verify(args: argparse.Namespace) -> int:
    from dap_proxy.workflow.verify import main

    return main(args)


def _history(args: argparse.Namespace) -> int:
    from dap_proxy.workflow.history import main

    return main(args)
