"""The probability history chart as inline SVG: one line per hypothesis over the run's time,
with its label, readable without JavaScript or external fonts."""

from __future__ import annotations

from html import escape

from dap_proxy.evidence.reports.model import HypothesisEntry

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 12, 30
COLOURS = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#57606a")


def probability_chart(hypotheses: list[HypothesisEntry]) -> str:
    """An `<svg>` element; a hypothesis with one point is drawn as a dot."""
    shown = [h for h in hypotheses if h.history][: len(COLOURS)]
    end = max((p.at for h in shown for p in h.history), default=0.0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at: float) -> float:
        return LEFT + plot_w * (at / end)

    def y(probability: float) -> float:
        return TOP + plot_h * (1 - probability / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="probability history">',
        f"<title>Probability of each hypothesis over the run ({end:.1f} s)</title>",
    ]
    for percent in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(percent):.1f}" y2="{y(percent):.1f}" '
            'stroke="#d0d7de" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(percent) + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#57606a">{percent}%</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle" '
        f'font-size="11" fill="#57606a">seconds since the run started (0 - {end:.1f})</text>'
    )
    for index, h in enumerate(shown):
        colour = COLOURS[index]
        points = [(x(p.at), y(p.probability)) for p in h.history]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for px, py in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        last = h.history[-1]
        parts.append(
            f'<text x="{LEFT + plot_w + 8}" y="{TOP + 14 + 16 * index}" font-size="12" '
            f'fill="{colour}">{escape(h.id)} {last.probability:.1f}% {escape(h.status)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
