"""The Markdown documents the editor shows: the hover on a probed or suspected line (observed
values, experiment outcomes, the hypotheses there) and `smartDebug.showEvidence`'s account of one
hypothesis (its evidence for and against, experiments, probability history, predictions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dap_proxy.evidence.store import ExperimentRecord, ProbabilityChange
from dap_proxy.hypotheses.models import Evidence, Hypothesis
from lsp.labels import hypothesis_standing, probe_words, shorten
from lsp.records import FixHint, Located, fixing_mutants
from lsp.suggestions import Suggestion

MAX_ITEMS = 8  # per list in a hover: the newest first
LONG_TEXT = 200  # characters of one observation


def code(text: str) -> str:
    """Inline code that survives backticks inside it."""
    fence = "`"
    while fence in text:
        fence += "`"
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _experiment(record: ExperimentRecord) -> str:
    data = record.data
    description = str(data.get("description", record.kind))
    description = description.split(": ", 1)[1] if description.startswith("line ") else description
    counts = [
        f"{word} {data[key]}"
        for key, word in (("fixed", "fixed"), ("broken", "broke"))
        if key in data
    ]
    run = f" of {data['tests_run']} run" if data.get("tests_run") else ""
    tail = f" ({', '.join(counts)}{run})" if counts else ""
    return f"{record.kind} {shorten(description, 120)}: **{record.outcome}**{tail}"


def _evidence(item: Evidence) -> str:
    if item.values:
        shown = ", ".join(f"{code(k)} = {code(shorten(v, 80))}" for k, v in item.values.items())
        where = f" (hit {item.hit})" if item.hit is not None else ""
        return f"{shown}{where}"
    value = f": {code(shorten(item.value, 80))}" if item.value else ""
    return f"{shorten(item.observation, LONG_TEXT)}{value}"


def _hypothesis_line(located: Located) -> str:
    h = located.hypothesis
    standing = hypothesis_standing(h, len(fixing_mutants(h)))
    return f"**{h.id} {h.probability:.0f}%** ({standing}): {shorten(h.statement, LONG_TEXT)}"


@dataclass
class HoverFacts:
    """Everything the store and the analysis say about one line of a buffer."""

    where: str  # "cart.py:28"
    hypotheses: list[Located] = field(default_factory=list)
    fixes: list[FixHint] = field(default_factory=list)
    experiments: list[ExperimentRecord] = field(default_factory=list)
    observed: list[Evidence] = field(default_factory=list)
    suggestion: Suggestion | None = None

    def empty(self) -> bool:
        return not (
            self.hypotheses or self.fixes or self.experiments or self.observed or self.suggestion
        )


def hover(facts: HoverFacts) -> str:
    parts = [f"**Smart Debug** · {facts.where}"]
    parts += [_hypothesis_line(located) for located in facts.hypotheses]
    for fix in facts.fixes:
        parts.append(f"Suggested fix: {code(fix.old)} -> {code(fix.new)} {fix.detail}".rstrip())
    if facts.observed:
        parts.append(
            "Observed here:\n" + "\n".join(f"- {_evidence(e)}" for e in facts.observed[:MAX_ITEMS])
        )
    if facts.experiments:
        telling = sorted(facts.experiments, key=lambda r: r.outcome != "fixed")  # fixes first
        parts.append(
            "Experiments on this line:\n"
            + "\n".join(f"- {_experiment(r)}" for r in telling[:MAX_ITEMS])
        )
    if facts.suggestion is not None:
        probe = facts.suggestion.probe
        state = "Accepted" if facts.suggestion.accepted else "Suggested"
        parts.append(f"{state}: {code(probe_words(probe))}: {probe.reason}")
    return "\n\n".join(parts)


def evidence(
    session: int,
    hypothesis: Hypothesis,
    history: Sequence[ProbabilityChange],
    experiments: Sequence[ExperimentRecord],
) -> str:
    """The observations and experiments behind one hypothesis."""
    h = hypothesis
    standing = hypothesis_standing(h, len(fixing_mutants(h)))
    out = [f"# {h.id} {h.probability:.1f}% · {standing}", "", h.statement, ""]
    out.append(f"Session {session} · {h.category.value} / {h.pattern.value} · engine {h.engine}")
    for location in h.locations:
        shown = f" {code(location.code)}" if location.code else ""
        role = f" ({location.role})" if location.role else ""
        out.append(f"- at {location.file}:{location.line}{shown}{role}")

    def section(title: str, lines: Sequence[str]) -> None:
        if lines:
            out.extend(["", f"## {title}", *(f"- {line}" for line in lines)])

    section("Evidence for", [_evidence(e) for e in h.supporting_evidence])
    section("Evidence against", [_evidence(e) for e in h.contradicting_evidence])
    section("Experiments", [_experiment(r) for r in experiments])
    section(
        "Probability",
        [
            f"{'new' if c.old_probability is None else f'{c.old_probability:.1f}%'} -> "
            f"{c.new_probability:.1f}%{f' ({c.reason})' if c.reason else ''}"
            for c in history
        ],
    )
    section(
        "Predictions",
        [
            f"{p.id} {p.kind.value} at {p.file}:{p.line}: {p.description} — {p.verdict.value}"
            for p in h.predictions
        ],
    )
    section("It would be refuted if", list(h.falsification_criteria))
    return "\n".join(out) + "\n"
