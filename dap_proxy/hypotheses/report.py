"""The human-readable triage report (rich): the parsed failure, the strategy, a table of hypotheses
with probability bars, the details needed to test the top ones, and the suggested probes."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dap_proxy.hypotheses.models import TriageResult

BAR_WIDTH = 10
DETAILED = 3  # hypotheses shown with falsification criteria and tests


def bar(probability: float, width: int = BAR_WIDTH) -> str:
    filled = round(probability / 100 * width)
    return "█" * filled + "░" * (width - filled)


def render(result: TriageResult, console: Console) -> None:
    ctx = result.context
    title = f"{ctx.exception_type}: {ctx.exception_message}" if ctx.exception_type else "Hang"
    console.rule(f"[bold]Triage[/bold] {escape(title[:100])}")

    frames = ctx.workspace_frames
    if frames:
        console.print("[bold]Frames in this workspace[/bold] (innermost last)")
        for f in frames[-6:]:
            code = f"  [dim]{escape(f.code)}[/dim]" if f.code else ""
            console.print(
                f"  {escape(ctx.relative(f.workspace_path or f.file))}:{f.line} in {escape(f.function or '?')}{code}"
            )
    elif ctx.frames:
        console.print(
            f"[yellow]No frame of the traceback is in this workspace ({escape(ctx.workspace)}).[/yellow]"
        )
    env = ctx.environment
    facts = [
        f"Python {env.python_version}" if env.python_version else "",
        env.platform or "",
        env.deployment or "",
        ", ".join(f"{k} {v}" for k, v in list(env.packages.items())[:4]),
        ("env: " + ", ".join(env.env_vars[:4])) if env.env_vars else "",
    ]
    shown = "; ".join(x for x in facts if x)
    console.print(
        f"[bold]Environment[/bold] {escape(shown) if shown else '[dim]none mentioned[/dim]'}"
    )
    console.print(
        f"[bold]Intermittent[/bold] {'yes' if ctx.intermittent else 'no'}"
        f"   [bold]Hang reported[/bold] {'yes' if ctx.hang else 'no'}"
        + (f"   [bold]Failing test[/bold] {escape(ctx.failing_test)}" if ctx.failing_test else "")
    )

    console.print()
    console.print("[bold]Strategy[/bold]")
    for s in result.strategy.top:
        why = ", ".join(s.reasons) or "no characteristic detected"
        console.print(f"  {s.name.value:<14} {s.score:>4}  [dim]{escape(why)}[/dim]")
    for flag, reasons in result.strategy.flags.reasons.items():
        console.print(f"  [dim]{flag}: {escape('; '.join(reasons))}[/dim]")

    table = Table(title="Hypotheses", show_lines=True, expand=True)
    table.add_column("#", no_wrap=True)
    table.add_column("Probability", no_wrap=True)
    table.add_column("Category", no_wrap=True)
    table.add_column("Hypothesis", ratio=1)
    for h in result.hypotheses:
        table.add_row(
            h.id,
            f"{bar(h.probability)} {h.probability:4.1f}%",
            f"{h.category.value}\n[dim]{h.pattern.value}[/dim]",
            escape(h.statement),
        )
    table.add_row(
        "",
        f"{bar(result.other_probability)} {result.other_probability:4.1f}%",
        "other",
        "[dim]something not listed[/dim]",
    )
    console.print(table)

    for h in result.hypotheses[:DETAILED]:
        console.print(f"[bold]{h.id}[/bold] ({h.probability:.0f}%)")
        for label, items in (
            ("refuted if", h.falsification_criteria),
            ("test", h.testing_approach),
            ("if true you will see", h.expected_symptoms),
        ):
            for item in items[:3]:
                console.print(f"  [cyan]{label}:[/cyan] {escape(item)}")

    if result.suggestions:
        probes = Table(title="Suggested breakpoints and logpoints", expand=True)
        probes.add_column("Where", no_wrap=True)
        probes.add_column("Kind", no_wrap=True)
        probes.add_column("Condition / message", ratio=1)
        probes.add_column("Why", ratio=1)
        for sug in result.suggestions:
            hit = f"hit {sug.hit_condition}" if sug.hit_condition else ""
            detail = sug.condition or sug.log_message or hit
            probes.add_row(
                f"{sug.file}:{sug.line}", sug.kind.value, escape(detail), escape(sug.reason)
            )
        console.print(probes)

    if result.similar_sessions:
        console.print("[bold]Seen before[/bold] (similar past sessions)")
        for past in result.similar_sessions:
            fixed = past.root_cause or past.outcome
            cause = f" - what fixed it then: {escape(fixed)}" if fixed else ""
            console.print(
                f"  #{past.session_id} {escape(past.title)} [dim]({past.match}, {past.created_at})[/dim]{cause}"
            )
    for note in result.notes:
        console.print(f"[dim]note: {escape(note)}[/dim]")
    if result.session_id is not None:
        console.print(f"[dim]recorded as session #{result.session_id} in .smart-debug/[/dim]")
