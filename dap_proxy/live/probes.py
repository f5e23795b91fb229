"""The live session's probes: what each one reads where, how it becomes a guarded debugpy
breakpoint, and how its tagged output is read back.

An injected logpoint is a DAP logpoint whose message starts with a tag (`@@sd:p3@<clock>@@`,
the clock being the program's `time.perf_counter()` as it logs) and carries each expression as
`repr(expr)[:N]`, separated by an ASCII unit separator (a repr never holds one raw), so its
output is recognised, routed to evidence and never shown as program output. It is guarded
through debugpy's hit condition, which pydevd evaluates inside a try/except (an exception there
is simply "not hit"), unlike a condition, which pauses the program when it raises:
`@HIT@ <= budget and (cond) and ((e1, e2, __import__,) or True)`. So a probe
whose expression raises is silent instead of pausing, the budget silences it in debugpy itself,
and the proxy removes it once its budget is spent. A snapshot probe is the same guard on a
breakpoint without a message: it stops, the live session reads the frame, the breakpoints room
continues it invisibly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from dap_proxy.analysis.expressions import is_side_effect_free, message_expressions
from dap_proxy.breakpoints.hits import hit_test
from dap_proxy.breakpoints.merge import Placed
from dap_proxy.live.options import DEFAULT_MAX_PROBE_HITS

# Builtins an injected expression may call: they read, never change, program state.
SAFE_BUILTINS = frozenset(
    {
        "len",
        "repr",
        "type",
        "isinstance",
        "abs",
        "min",
        "max",
        "sum",
        "any",
        "all",
        "sorted",
        "bool",
        "int",
        "float",
        "str",
        "round",
        "id",
        "hash",
        "callable",
        "hasattr",
    }
)
TAG = "@@sd:"
TAG_END = "@@"
SEPARATOR = "\x1f"
MAX_VALUE_CHARS = 200  # per expression, cut inside the program before it is sent
MAX_EXPRESSIONS = 8  # per probe
# the program's own clock when the probe logged: how often it fires, whatever the delay of the
# output on its way to us (a hot loop leaves debugpy little time to send)
CLOCK = "__import__('time').perf_counter()"
_TAGGED = re.compile(
    r"^@@sd:(?P<id>[A-Za-z0-9_.:-]+)(?:@(?P<clock>[0-9.eE+-]+))?@@(?P<values>.*?)\r?\n?$",
    re.DOTALL,
)
_HIT = "@HIT@"
HOT_HITS = 10  # hits of one probe that...
HOT_WINDOW = 0.05  # ...come within this many seconds (of the program's clock) mean a hot loop

ProbeKindName = Literal["logpoint", "snapshot"]
ProbeSource = Literal["hypothesis", "accepted", "request", "launch"]


class LiveProbe(BaseModel):
    """One probe of the live session."""

    id: str
    file: str  # local absolute path
    line: int
    kind: ProbeKindName = "logpoint"
    expressions: list[str] = Field(default_factory=list)
    condition: str | None = None  # only log / stop when this holds
    hit_condition: str | None = None  # a pydevd-form hit condition ("5", ">3", "%2")
    hypotheses: list[str] = Field(default_factory=list)  # the hypotheses it tests
    source: ProbeSource = "hypothesis"
    budget: int = DEFAULT_MAX_PROBE_HITS
    hits: int = 0
    status: Literal["offered", "injected", "spent", "removed", "refused"] = "offered"
    reason: str = ""
    score: float = 0.0
    remote_path: str | None = None  # where debugpy knows the file (inferred pathMappings)

    @property
    def label(self) -> str:
        return f"{Path(self.file).name}:{self.line}"

    def readable_message(self) -> str:
        return ", ".join(f"{e}={{{e}}}" for e in self.expressions)


class UnsafeProbe(ValueError):
    """An expression the safety check refuses; the message says which and why."""


def check_expression(expr: str) -> None:
    """Raise UnsafeProbe unless `expr` may run in the user's program: it reads, never changes,
    program state (dap_proxy.analysis.expressions.is_side_effect_free with SAFE_BUILTINS)."""
    if not is_side_effect_free(expr, "python", SAFE_BUILTINS):
        raise UnsafeProbe(
            f"`{expr}` is not a safe expression to evaluate in your program: only names, "
            "attributes, subscripts, literals, arithmetic, comparisons and calls of "
            f"{', '.join(sorted(SAFE_BUILTINS))} are allowed (no other calls, assignments, "
            "imports or dunder names)"
        )


def check_expressions(probe: LiveProbe) -> None:
    """Raise UnsafeProbe unless every expression, condition and hit condition may run in the
    user's program (`check_expression`)."""
    for expr in [*probe.expressions, *([probe.condition] if probe.condition else [])]:
        check_expression(expr)
    if probe.hit_condition is not None and hit_test(probe.hit_condition) is None:
        raise UnsafeProbe(
            f"hit condition `{probe.hit_condition}` is not one of the forms N, %N, ==N, >N, "
            ">=N, <N, <=N"
        )


def expressions_of_message(message: str) -> list[str]:
    """The `{expr}` parts of a DAP log message, each once, in order."""
    seen: list[str] = []
    for expr in message_expressions(message):
        expr = expr.strip()
        if expr and expr not in seen:
            seen.append(expr)
    return seen


def _hit_expression(hit_condition: str) -> str:
    text = hit_condition.strip()
    if text.startswith("%"):
        return f"{_HIT} {text} == 0"
    if text[:1] in "<>=":
        return f"{_HIT} {text}"
    return f"{_HIT} == {text}"


def guard(probe: LiveProbe) -> str:
    """The hit condition that carries the probe's budget, condition and expressions. debugpy
    counts every hit of the line, so the budget goes in only for a probe without a condition;
    a conditional one is taken out by the proxy once it observed its budget."""
    parts = [] if probe.condition else [f"{_HIT} <= {probe.budget}"]
    if probe.hit_condition:
        parts.append(_hit_expression(probe.hit_condition))
    if probe.condition:
        parts.append(f"({probe.condition})")
    # the message reads the clock through __import__: where the program's builtins lack it
    # (a sandbox), the guard is "not hit" rather than the message printing the error
    read = [*probe.expressions, *(["__import__"] if probe.kind == "logpoint" else [])]
    if read:
        # evaluates every expression (one that raises makes the whole guard "not hit"); a
        # non-empty tuple is true, and `or True` keeps the compiler quiet about literals
        parts.append(f"(({', '.join(read)},) or True)")
    return " and ".join(parts)


def log_message(probe: LiveProbe) -> str:
    values = SEPARATOR.join(f"{{repr({e})[:{MAX_VALUE_CHARS}]}}" for e in probe.expressions)
    return f"{TAG}{probe.id}@{{{CLOCK}}}{TAG_END}{values}"


def to_placed(probe: LiveProbe) -> Placed:
    """The breakpoint the breakpoints room puts in for this probe."""
    breakpoint: dict[str, object] = {"line": probe.line, "hitCondition": guard(probe)}
    if probe.kind == "logpoint":
        breakpoint["logMessage"] = log_message(probe)
    return Placed(
        key=probe.id,
        path=probe.remote_path or probe.file,
        breakpoint=breakpoint,
        stops=probe.kind == "snapshot",
    )


class Tagged(NamedTuple):
    """An injected logpoint's output, read back."""

    probe: str
    values: list[str]  # in expression order
    clock: float | None = None  # the program's perf_counter() when it logged


def in_hot_loop(probe: LiveProbe, first: float | None, now: float) -> bool:
    """A probe with the default budget (or a smaller one) hit HOT_HITS times within HOT_WINDOW
    (`first`: the clock at its first hit, `now` at this one). A budget the user raised is
    honoured: every hit up to it is read."""
    if probe.budget > DEFAULT_MAX_PROBE_HITS or probe.hits < HOT_HITS or first is None:
        return False
    return now - first <= HOT_WINDOW


def read_tagged(text: str) -> Tagged | None:
    """An injected logpoint's output read back, else None."""
    if not text.startswith(TAG):
        return None
    match = _TAGGED.match(text)
    if match is None:
        return None
    values, clock = match.group("values"), match.group("clock")
    try:
        when = float(clock) if clock else None
    except ValueError:
        when = None
    return Tagged(match.group("id"), values.split(SEPARATOR) if values else [], when)
