"""The body of `smart-debug localize`: options in, progress bar on stderr, report (rich or JSON)
on stdout, exit code out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from dap_proxy.experiments.localize import (
    DEFAULT_BUDGET,
    DEFAULT_TEST_TIMEOUT,
    LocalizeError,
    LocalizeOptions,
    localize,
)
from dap_proxy.experiments.models import ALL_EXPERIMENTS, LocalizeReport, Suggestion
from dap_proxy.experiments.recording import record
from dap_proxy.experiments.report import to_json
from dap_proxy.hypotheses.probability import other_probability

SHOWN_HYPOTHESES = 3  # in the rich report; --json has them all


def main(args: argparse.Namespace) -> int:
    err = Console(stderr=True)
    command = list(args.test_command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        err.print(
            "[red]smart-debug localize: no test command given.[/] "
            "Usage: smart-debug localize [--json] [--top N] [--budget SECONDS] -- <test command...>"
        )
        return 2
    options = LocalizeOptions(
        command=command,
        cwd=Path.cwd(),
        top=args.top,
        budget=args.budget or DEFAULT_BUDGET,
        experiments=args.experiments or set(ALL_EXPERIMENTS),
        test_timeout=args.test_timeout or DEFAULT_TEST_TIMEOUT,
        adaptive_budget=args.budget is None,
    )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("localize", total=1.0)

        def progress(what: str, fraction: float | None) -> None:
            bar.update(task, description=what, completed=fraction or 0.0)

        try:
            report = localize(options, progress)
        except LocalizeError as error:
            bar.stop()
            err.print(f"[red]smart-debug localize:[/] {error}")
            return error.exit_code
    record(options.cwd, report)
    if args.json:
        sys.stdout.write(json.dumps(to_json(report), indent=2) + "\n")
    else:
        render(report, Console(), verbose=args.verbose)
    return 0


def render(report: LocalizeReport, console: Console, verbose: bool = False) -> None:
    """The ranking as a person reads it: each location whole on its own line (never cut, in any
    terminal width), the probe and one short sentence of why under it; --verbose adds the
    whole reason."""
    console.print(
        f"[bold]smart-debug localize[/] `{report.command}`: {report.failing} of {report.tests} "
        f"tests failed; {len(report.experiments)} experiments in {report.seconds:.1f}s"
    )
    for index, s in enumerate(report.suggestions, start=1):
        header = Text(f"{index:>2}. ", style="bold")
        header.append(f"{s.file}:{s.line}", style="bold cyan")
        header.append(f"  {s.score:.3f}  ")
        header.append(_probe(s))
        console.print(header, overflow="fold")
        console.print(Text(f"    {short_reason(s)}"), overflow="fold")
        if verbose:
            console.print(Text(f"    {s.reason}", style="dim"), overflow="fold")
    for h in report.hypotheses[:SHOWN_HYPOTHESES]:
        console.print(
            Text(f"{h.id} {h.probability:.1f}% ({h.status.value}): {h.statement}"), overflow="fold"
        )
    if report.hypotheses:
        console.print(f"other explanations: {other_probability(report.hypotheses):.1f}%")
    for note in report.notes:
        console.print(Text("note: ", style="yellow") + Text(note), overflow="fold")


def _probe(s: Suggestion) -> str:
    if s.condition:
        return f"{s.kind.value} if {s.condition}"
    if s.log_message:
        return f"{s.kind.value} {s.log_message}"
    return s.kind.value


def short_reason(s: Suggestion) -> str:
    """One short sentence: what the strongest experiment said, else the spectrum's reading."""
    if s.hypothesis:
        return s.hypothesis[0].upper() + s.hypothesis[1:] + "."
    first = s.reason.split("; ")[0]
    return first[0].upper() + first[1:] + "."
