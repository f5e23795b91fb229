"""The Markdown report: the same sections as the HTML page, for a terminal, a pull request or
an issue."""

from __future__ import annotations

from dap_proxy.evidence.reports.model import RunReport


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: RunReport) -> str:
    out: list[str] = [f"# {report.title}", ""]
    out.append(f"- command: `{' '.join(report.command)}` ({report.command_kind})")
    out.append(f"- when: {report.created_at}; {report.seconds:.1f} s; exit code {report.exit_code}")
    failure = report.failure
    if failure.kind != "none":
        out.append(f"- failure: {failure.kind}: {failure.type or ''} {failure.message}".rstrip())
    if failure.failing_tests:
        out.append(f"- failing tests ({len(failure.failing_tests)} of {failure.tests}):")
        out.extend(f"  - `{t}`" for t in failure.failing_tests)
    out.append(f"- live session: {'yes' if report.live else 'no (probes not observed)'}")
    if report.interrupted:
        out.append("- interrupted (Ctrl-C): this report holds what was gathered until then")
    out.append("")
    out += ["## Hypotheses", "", "| # | probability | status | hypothesis | decided by |"]
    out.append("|---|---|---|---|---|")
    for h in report.hypotheses:
        decided = "; ".join(h.decided_by[-2:])
        out.append(
            f"| {h.id} | {h.probability:.1f}% | {h.status} | {_cell(h.statement)} | {_cell(decided)} |"
        )
    out.append(f"| | {report.other_probability:.1f}% | | something else | |")
    for h in report.hypotheses:
        if h.fix_hint:
            out.append(f"\n{h.id} fix hint: {h.fix_hint}")
    out.append("")
    if report.hypotheses and any(h.history for h in report.hypotheses):
        out += ["### Probability history", ""]
        for h in report.hypotheses:
            steps = " -> ".join(f"{p.probability:.1f}% ({p.at:.1f}s)" for p in h.history)
            out.append(f"- {h.id}: {steps}")
        out.append("")
    if report.impact is not None:
        out += _impact(report)
    if report.regression is not None:
        r = report.regression
        out += ["## Regression test", "", f"{r.status}: {r.reason}"]
        if r.path:
            out.append(f"\n`{r.path}` ({r.cases} case(s) for `{r.function}`)")
        out.append("")
    out += ["## Timeline", "", "| at | what | where | values |", "|---|---|---|---|"]
    for t in report.timeline:
        where = f"{t.file}:{t.line}" if t.file else ""
        values = ", ".join(f"{k}={v}" for k, v in t.values.items())
        out.append(f"| {t.at:.2f}s | {t.kind}: {_cell(t.text)} | {where} | {_cell(values)} |")
    out.append("")
    if report.probes:
        out += ["## Probes", "", "| where | kind | detail | hypothesis | hits | status |"]
        out.append("|---|---|---|---|---|---|")
        for p in report.probes:
            out.append(
                f"| {p.file}:{p.line} | {p.kind} | {_cell(p.detail)} | {p.hypothesis or ''} "
                f"| {p.hits} | {p.status} |"
            )
        out.append("")
    if report.evidence:
        out += ["## Evidence (redacted)", ""]
        for e in report.evidence:
            where = f" at {e.file}:{e.line}" if e.file else ""
            values = ", ".join(f"{k}={v}" for k, v in e.values.items())
            out.append(
                f"- {e.at:.2f}s [{e.source}]{where}: {e.observation}"
                + (f" ({values})" if values else "")
            )
        out.append("")
    for excerpt in report.code:
        out += [f"### {excerpt.file}", "", "```"]
        for offset, text in enumerate(excerpt.lines):
            number = excerpt.first_line + offset
            mark = ">" if number in excerpt.marked else " "
            out.append(f"{mark}{number:5d}  {text}")
        out += ["```", ""]
    out += ["## Strategy", ""]
    for s in report.strategy.scores:
        chosen = " (chosen)" if s.name in report.strategy.chosen else ""
        out.append(f"- {s.name}: {s.score}{chosen} - {', '.join(s.reasons) or 'no characteristic'}")
    for flag, why in report.strategy.flags.items():
        out.append(f"  - {flag}: {'; '.join(why)}")
    out.append("")
    if report.seen_before:
        out += ["## Seen before", ""]
        for past in report.seen_before:
            fixed = past.root_cause or past.outcome or "no fix recorded"
            out.append(f"- session #{past.session_id} ({past.created_at}): {past.title} - {fixed}")
        out.append("")
    for v in report.verifications:
        out += [f"## Verification {v.at}: {'PASSED' if v.ok else 'FAILED'}", ""]
        out += ["| check | result | detail |", "|---|---|---|"]
        out += [f"| {r.check} | {r.result} | {_cell(r.detail)} |" for r in v.rows]
        out.append("")
    if report.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    return "\n".join(out)


def _impact(report: RunReport) -> list[str]:
    impact = report.impact
    assert impact is not None
    out = [f"## What else the fault touches ({impact.hypothesis or 'top hypothesis'})", ""]
    if impact.severity:
        out.append(
            f"- severity: **{impact.severity.level}** - {'; '.join(impact.severity.reasons)}"
        )
    if impact.fix_complexity:
        out.append(
            f"- fix complexity: {impact.fix_complexity.level} - {impact.fix_complexity.reason}"
        )
    radius = impact.blast_radius
    if radius.function:
        out.append(f"- blast radius of `{radius.function}`:")
        for c in radius.callers:
            out.append(f"  - called from {c.file}:{c.line} in `{c.function or '<module>'}`")
        for e in radius.entry_points:
            out.append(f"  - entry point {e.file}:{e.line} `{e.function or '<module>'}`")
        if radius.tests:
            out.append(f"  - tests that run the suspect line: {', '.join(radius.tests)}")
    for p in impact.similar_patterns:
        out.append(f"- similar pattern at {p.file}:{p.line}: `{p.code}` - {p.why}")
    out.append("")
    return out
