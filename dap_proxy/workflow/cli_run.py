"""The body of `smart-debug run`: progress on stderr (phases), the final table on stdout."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dap_proxy.evidence.reports.model import RunReport
from dap_proxy.workflow.run import DEFAULT_BUDGET, EXIT_USAGE, RunOptions, run


def main(args: argparse.Namespace) -> int:
    err = Console(stderr=True, highlight=False)
    command = list(args.program)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        err.print(
            "[red]smart-debug run: no command given.[/] Usage: smart-debug run [options] -- <command...>"
        )
        return EXIT_USAGE
    traceback = ""
    if args.traceback:
        try:
            traceback = Path(args.traceback).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            err.print(
                f"[red]smart-debug run:[/] cannot read --traceback {args.traceback}: {exc.strerror}"
            )
            return EXIT_USAGE
    options = RunOptions(
        command=command, cwd=Path.cwd(), issue=args.issue, traceback=traceback,
        budget=args.budget or DEFAULT_BUDGET, report=not args.no_report, write_test=args.write_test,
    )  # fmt: skip
    last = [""]
    with err.status("smart-debug run: starting", spinner="dots") as status:

        def progress(phase: str, detail: str) -> None:
            if phase == "error":
                err.print(f"[red]smart-debug run:[/] {escape(detail)}")
                return
            line = f"{phase}: {detail}" if not detail.startswith(phase) else detail
            status.update(f"[bold]{escape(line)}[/]")
            if not err.is_terminal and line != last[0]:
                last[0] = line
                err.print(escape(line))

        code, report, path = run(options, progress)
    if report is not None:
        render(report, Console(highlight=False), path)
    return code


def render(report: RunReport, console: Console, path: Path | None) -> None:
    console.print(
        f"[bold]smart-debug run[/] `{escape(' '.join(report.command))}`: {escape(report.title)}"
    )
    table = Table(show_lines=True)
    for column in ("#", "probability", "status", "hypothesis", "decided by"):
        table.add_column(column)
    for h in report.hypotheses[:5]:
        decided = "\n".join(escape(d) for d in h.decided_by[-3:])
        hint = f"\n[green]fix hint:[/] {escape(h.fix_hint)}" if h.fix_hint else ""
        table.add_row(h.id, f"{h.probability:.1f}%", h.status, escape(h.statement) + hint, decided)
    if report.hypotheses:
        table.add_row("", f"{report.other_probability:.1f}%", "", "something else", "")
        console.print(table)
    observed = [e for e in report.evidence if e.values and e.source.startswith("live probe")]
    for e in observed[:6]:
        values = ", ".join(f"{k}={v}" for k, v in e.values.items())
        console.print(f"  at {e.file}:{e.line}: {escape(values)}")
    if report.impact and report.impact.severity:
        console.print(
            f"severity: [bold]{report.impact.severity.level}[/] ({escape('; '.join(report.impact.severity.reasons))})"
        )
    if report.impact:
        for p in report.impact.similar_patterns[:3]:
            console.print(
                f"similar pattern: {p.file}:{p.line} `{escape(p.code)}` - {escape(p.why)}"
            )
    for past in report.seen_before:
        console.print(
            f"seen before: session #{past.session_id} {escape(past.title)} - {escape(past.root_cause or past.outcome)}"
        )
    if report.regression is not None:
        r = report.regression
        console.print(
            f"regression test: {r.status}"
            + (f" {r.path}" if r.path else "")
            + f" - {escape(r.reason)}"
        )
    for note in report.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    if path is not None:
        console.print(f"report: {path.with_suffix('.html')} (and .md, .json)")
