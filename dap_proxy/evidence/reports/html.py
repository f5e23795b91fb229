"""The HTML report: one self-contained page (inline CSS and SVG; no script, no network, no
external font), readable with JavaScript off and printable."""

from __future__ import annotations

from html import escape

from dap_proxy.evidence.reports.chart import probability_chart
from dap_proxy.evidence.reports.model import RunReport

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;
color:#1f2328;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,monospace;font-size:12px}
pre{background:#f6f8fa;padding:.5rem;overflow:auto}.mark{background:#fff8c5;display:block}
.confirmed{color:#1a7f37;font-weight:600}.refuted{color:#57606a;text-decoration:line-through}
.pass{color:#1a7f37;font-weight:600}.fail{color:#d1242f;font-weight:600}.muted{color:#57606a}
"""


def _e(text: object) -> str:
    return escape(str(text))


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    header = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def render_html(report: RunReport) -> str:
    s: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(report.title)}</h1>",
        f"<p><code>{_e(' '.join(report.command))}</code> ({_e(report.command_kind)}), "
        f"{_e(report.created_at)}, {report.seconds:.1f} s, exit code {report.exit_code}. "
        f"Live session: {'yes' if report.live else 'no (probes not observed)'}.</p>",
    ]
    failure = report.failure
    if failure.kind != "none":
        s.append(
            f"<p>Failure: <b>{_e(failure.kind)}</b> {_e(failure.type or '')} "
            f"{_e(failure.message)}</p>"
        )
    if failure.failing_tests:
        items = "".join(f"<li><code>{_e(t)}</code></li>" for t in failure.failing_tests)
        s.append(
            f"<p>{len(failure.failing_tests)} of {failure.tests} tests failed:</p><ul>{items}</ul>"
        )
    if report.interrupted:
        s.append("<p><b>Interrupted</b> (Ctrl-C): what was gathered until then.</p>")

    s.append('<h2 id="hypotheses">Hypotheses</h2>')
    rows = [
        [
            _e(h.id),
            f"{h.probability:.1f}%",
            f'<span class="{_e(h.status)}">{_e(h.status)}</span>',
            _e(h.statement) + (f"<br><i>fix hint:</i> {_e(h.fix_hint)}" if h.fix_hint else ""),
            "<br>".join(_e(d) for d in h.decided_by[-3:]),
        ]
        for h in report.hypotheses
    ]
    rows.append(["", f"{report.other_probability:.1f}%", "", "something else", ""])
    s.append(_table(["#", "probability", "status", "hypothesis", "decided by"], rows))
    if any(h.history for h in report.hypotheses):
        s.append('<h2 id="history">Probability history</h2>')
        s.append(probability_chart(report.hypotheses))

    if report.impact is not None:
        s.append(_impact(report))
    if report.regression is not None:
        r = report.regression
        s.append('<h2 id="regression">Regression test</h2>')
        where = f" <code>{_e(r.path)}</code>" if r.path else ""
        s.append(f"<p><b>{_e(r.status)}</b>{where}: {_e(r.reason)}</p>")

    s.append('<h2 id="timeline">Timeline</h2>')
    s.append(
        _table(
            ["at", "what", "where", "values"],
            [
                [
                    f"{t.at:.2f} s",
                    f"{_e(t.kind)}: {_e(t.text)}",
                    _e(f"{t.file}:{t.line}") if t.file else "",
                    _e(", ".join(f"{k}={v}" for k, v in t.values.items())),
                ]
                for t in report.timeline
            ],
        )
    )
    if report.probes:
        s.append('<h2 id="probes">Probes</h2>')
        s.append(
            _table(
                ["where", "kind", "detail", "hypothesis", "hits", "status"],
                [
                    [
                        _e(f"{p.file}:{p.line}"),
                        _e(p.kind),
                        f"<code>{_e(p.detail)}</code>",
                        _e(p.hypothesis or ""),
                        str(p.hits),
                        _e(p.status),
                    ]
                    for p in report.probes
                ],
            )
        )
    if report.evidence:
        s.append('<h2 id="evidence">Evidence (redacted)</h2>')
        s.append(
            _table(
                ["at", "source", "observation", "where", "values"],
                [
                    [
                        f"{e.at:.2f} s",
                        _e(e.source),
                        _e(e.observation),
                        _e(f"{e.file}:{e.line}") if e.file else "",
                        _e(", ".join(f"{k}={v}" for k, v in e.values.items())),
                    ]
                    for e in report.evidence
                ],
            )
        )
    if report.code:
        s.append('<h2 id="code">Code around the suspect lines</h2>')
        for excerpt in report.code:
            lines = []
            for offset, text in enumerate(excerpt.lines):
                number = excerpt.first_line + offset
                row = f"{number:5d}  {_e(text)}"
                lines.append(
                    f'<span class="mark">{row}</span>' if number in excerpt.marked else row + "\n"
                )
            s.append(f"<h3>{_e(excerpt.file)}</h3><pre>{''.join(lines)}</pre>")
    s.append('<h2 id="strategy">Strategy</h2>')
    s.append(
        _table(
            ["strategy", "score", "why"],
            [
                [
                    _e(x.name) + (" <b>(chosen)</b>" if x.name in report.strategy.chosen else ""),
                    str(x.score),
                    _e(", ".join(x.reasons) or "no characteristic"),
                ]
                for x in report.strategy.scores
            ],
        )
    )
    if report.strategy.flags:
        flags = "".join(
            f"<li>{_e(k)}: {_e('; '.join(v))}</li>" for k, v in report.strategy.flags.items()
        )
        s.append(f"<ul>{flags}</ul>")
    if report.seen_before:
        s.append('<h2 id="seen-before">Seen before</h2><ul>')
        for past in report.seen_before:
            fixed = past.root_cause or past.outcome or "no fix recorded"
            s.append(
                f"<li>session #{past.session_id} ({_e(past.created_at)}): {_e(past.title)}"
                f" - {_e(fixed)}</li>"
            )
        s.append("</ul>")
    for v in report.verifications:
        verdict = '<span class="pass">PASSED</span>' if v.ok else '<span class="fail">FAILED</span>'
        s.append(f'<h2 class="verification">Verification {_e(v.at)}: {verdict}</h2>')
        s.append(
            _table(
                ["check", "result", "detail"],
                [
                    [_e(r.check), f'<span class="{r.result}">{r.result}</span>', _e(r.detail)]
                    for r in v.rows
                ],
            )
        )
    if report.notes:
        s.append(
            "<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>"
        )
    s.append(
        f'<p class="muted">smart-debug report, format version {report.version}; the JSON file '
        "beside this page holds the same data.</p></body></html>"
    )
    return "\n".join(s)


def _impact(report: RunReport) -> str:
    impact = report.impact
    assert impact is not None
    parts = [
        f'<h2 id="impact">What else the fault touches ({_e(impact.hypothesis or "")})</h2><ul>'
    ]
    if impact.severity:
        parts.append(
            f"<li>Severity: <b>{_e(impact.severity.level)}</b> - "
            f"{_e('; '.join(impact.severity.reasons))}</li>"
        )
    if impact.fix_complexity:
        parts.append(
            f"<li>Fix complexity: <b>{_e(impact.fix_complexity.level)}</b> - "
            f"{_e(impact.fix_complexity.reason)}</li>"
        )
    radius = impact.blast_radius
    if radius.function:
        callers = ", ".join(
            f"{_e(c.file)}:{c.line} ({_e(c.function or '<module>')})" for c in radius.callers
        )
        parts.append(
            f"<li>Blast radius of <code>{_e(radius.function)}</code>: called from {callers or 'nowhere else'}</li>"
        )
        if radius.entry_points:
            entries = ", ".join(
                f"{_e(c.file)}:{c.line} ({_e(c.function or '<module>')})"
                for c in radius.entry_points
            )
            parts.append(f"<li>Entry points that reach it: {entries}</li>")
        if radius.tests:
            parts.append(f"<li>Tests that run the suspect line: {_e(', '.join(radius.tests))}</li>")
    for p in impact.similar_patterns:
        parts.append(
            f"<li>Similar pattern at {_e(p.file)}:{p.line}: <code>{_e(p.code)}</code> - {_e(p.why)}</li>"
        )
    parts.append("</ul>")
    return "".join(parts)
