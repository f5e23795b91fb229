"""CLI registration of `smart-debug localize` (argument parsing only; the work is imported
lazily so `smart-debug --help` stays fast). Contract: DESIGN.md, "Contracts"."""

from __future__ import annotations

import argparse

EXPERIMENT_NAMES = ("spectra", "static", "perturbation", "predicate", "repetition")


def _experiments(value: str) -> set[str]:
    names = {part.strip() for part in value.split(",") if part.strip()}
    unknown = names - set(EXPERIMENT_NAMES)
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown experiment(s) {', '.join(sorted(unknown)) or '(none given)'}; "
            f"choose from {','.join(EXPERIMENT_NAMES)}"
        )
    return names


def positive_number(value: str) -> float:
    """An argparse type: a number greater than 0 (seconds, mostly)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be greater than 0")
    return number


def positive_count(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return number


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "localize",
        help="rank the lines most likely to hold the bug, by running the failing tests",
        description="Run a test command in the current folder, then rank suspicious lines of the "
        "project's own code from per-test coverage, static analysis, mutants and repeated runs. "
        "The project is copied to a scratch folder; your files are never changed.",
        epilog="example: smart-debug localize -- python -m pytest tests/test_cart.py\n"
        "exit codes: 0 ranking produced, 2 bad usage, 3 the command never failed",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--top", type=positive_count, default=10, help="suggestions to show (10)")
    parser.add_argument(
        "--budget",
        type=positive_number,
        default=None,
        help="seconds for the whole run (default: 60, or 6x the plain test run if longer)",
    )
    parser.add_argument(
        "--experiments",
        type=_experiments,
        default=None,
        metavar="LIST",
        help=f"comma-separated subset of {','.join(EXPERIMENT_NAMES)} (default: all); "
        "`spectra` alone is plain Ochiai",
    )
    parser.add_argument(
        "--test-timeout",
        type=positive_number,
        default=None,
        help="CPU seconds a test may use in the plain run before it counts as a hang (10; also "
        "5x the slowest test that passed; in wall-clock time, 1.25x that)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="the whole reason for each suggestion"
    )
    parser.add_argument("test_command", nargs=argparse.REMAINDER, help="-- <test command...>")
    parser.set_defaults(func=run_localize)


def run_localize(args: argparse.Namespace) -> int:
    from dap_proxy.experiments.cli_run import main

    return main(args)
