"""The one-line texts the editor shows: lens titles and quick-fix titles, e.g.
`Smart Debug: logpoint count={count} · decision node · 0.72` and
`H1 62% · off-by-one in the loop bound · confirmed by a mutant`."""

from __future__ import annotations

import re

from dap_proxy.analysis.models import Probe, ProbeKind
from dap_proxy.hypotheses.models import BugPattern, CodeLocation, Hypothesis, HypothesisStatus

PREFIX = "Smart Debug:"
SEPARATOR = " · "
MAX_PART = 60  # characters of one part of a title before it is shortened
_LABEL = re.compile(r"^\[smart-debug\] [^:]*:\d+: ")  # the tag the analysis puts on log messages
_TOKENS = re.compile(r"\w+|[^\w\s]+")
_PATTERN_WORDS = {
    BugPattern.OFF_BY_ONE: "off-by-one",
    BugPattern.NULL_HANDLING: "None/null handling",
    BugPattern.UNKNOWN: "",
}


def shorten(text: str, limit: int = MAX_PART) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(",;:") + "…"


def probe_words(probe: Probe) -> str:
    """What the probe does: `logpoint count={count}`, `breakpoint if x > 3`, `breakpoint on hit
    >=2`, `breakpoint`."""
    if probe.kind is ProbeKind.LOGPOINT and probe.log_message:
        return f"logpoint {shorten(_LABEL.sub('', probe.log_message))}"
    words = "breakpoint"
    if probe.condition:
        words += f" if {shorten(probe.condition)}"
    if probe.hit_condition:
        words += f" on hit {shorten(probe.hit_condition)}"
    return words


def suggestion_title(probe: Probe, accepted: bool) -> str:
    reason = shorten(probe.reason.split(":")[0].split(";")[0], 40)
    parts = [f"{PREFIX} {'accepted ' if accepted else ''}{probe_words(probe)}", reason]
    parts.append(f"{probe.score:.2f}")
    return SEPARATOR.join(p for p in parts if p)


def hypothesis_summary(hypothesis: Hypothesis, location: CodeLocation) -> str:
    """A few words for what the hypothesis says: its bug pattern and where, e.g. `off-by-one in
    the loop bound`; its statement, shortened, when it names no pattern."""
    pattern = _PATTERN_WORDS.get(hypothesis.pattern, hypothesis.pattern.value.replace("_", " "))
    if not pattern:
        return shorten(hypothesis.statement, 48)
    return f"{pattern} in the {location.role}" if location.role else pattern


def hypothesis_standing(hypothesis: Hypothesis, mutants: int) -> str:
    if mutants:
        return "confirmed by a mutant" if mutants == 1 else f"confirmed by {mutants} mutants"
    if hypothesis.status is HypothesisStatus.OPEN:
        return "untested"
    return hypothesis.status.value


def hypothesis_title(hypothesis: Hypothesis, location: CodeLocation, mutants: int) -> str:
    return SEPARATOR.join(
        (
            f"{hypothesis.id} {hypothesis.probability:.0f}%",
            hypothesis_summary(hypothesis, location),
            hypothesis_standing(hypothesis, mutants),
        )
    )


def change_words(old: str, new: str) -> str:
    """The smallest token-level difference between two pieces of code, as `a` -> `b`
    (`count > LIMIT` -> `count >= LIMIT` gives `>` -> `>=`)."""
    a, b = list(_TOKENS.finditer(old)), list(_TOKENS.finditer(new))
    same = 0
    while same < min(len(a), len(b)) and a[same][0] == b[same][0]:
        same += 1
    tail = 0
    while tail < min(len(a), len(b)) - same and a[-1 - tail][0] == b[-1 - tail][0]:
        tail += 1
    left = old[a[same].start() : a[len(a) - tail - 1].end()] if same < len(a) - tail else ""
    right = new[b[same].start() : b[len(b) - tail - 1].end()] if same < len(b) - tail else ""
    if not left or not right:  # an insertion or a deletion: show both sides whole
        left, right = old, new
    return f"`{shorten(left)}` -> `{shorten(right)}`"


def fix_title(old: str, new: str) -> str:
    return f"Apply suggested fix: {change_words(old, new)}"
