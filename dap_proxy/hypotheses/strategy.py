"""Debugging strategy selection: the brief's decision matrix ("Debugging Strategy Selection") applied
to flags derived from a FailureContext, returning every strategy scored and the top two.

How the flags are derived (each one records its reasons):
- intermittent: the text says so ("sometimes", "flaky", "1 in 5 runs", "3% of requests", ...).
- production_only: the text places it in production AND says it does not happen elsewhere ("only in
  production", "works locally", "can't reproduce locally"), or names production with no traceback
  frame inside the workspace.
- reproducible_locally: not production_only, and a traceback with frames in the workspace, a failing
  test id, or the text says it reproduces ("steps to reproduce", "every time", "reproducible").
- state_complex: the text talks about state ("cache", "stale", "session", "after a while", ...) or
  the code on the failing path keeps module/class-level mutable state, caches or mutable defaults.
- under_load: the text mentions load ("under load", "high traffic", "concurrent users", "rps", ...).
"""

from __future__ import annotations

import re

from dap_proxy.hypotheses.models import (
    FailureContext,
    StrategyChoice,
    StrategyFlags,
    StrategyName,
    StrategyScore,
)

# The brief's table: flag -> {strategy: points}.
MATRIX: dict[str, dict[StrategyName, int]] = {
    "reproducible_locally": {StrategyName.INTERACTIVE: 40, StrategyName.TIME_TRAVEL: 30},
    "production_only": {StrategyName.OBSERVABILITY: 50, StrategyName.INTERACTIVE: -30},
    "state_complex": {StrategyName.TIME_TRAVEL: 40, StrategyName.INTERACTIVE: 20},
    "intermittent": {StrategyName.STATISTICAL: 45, StrategyName.CHAOS: 35},
    "under_load": {StrategyName.CHAOS: 40, StrategyName.OBSERVABILITY: 30},
}
FLAG_NAMES = tuple(MATRIX)

_PRODUCTION_ONLY = re.compile(
    r"\b(only (?:in|on) (?:prod|production|the live)|works (?:fine )?(?:locally|on my machine|"
    r"in dev|in staging)|(?:can't|cannot|can not|couldn't|unable to) reproduce (?:it )?locally|"
    r"not reproducible locally|never locally)\b",
    re.IGNORECASE,
)
_REPRODUCIBLE = re.compile(
    r"\b(steps to reproduce|to reproduce|reproduces? (?:locally|every time|always)|"
    r"reproducible|every time|always fails|fails always|100% of the time|run `)",
    re.IGNORECASE,
)
_STATE = re.compile(
    r"\b(cache[ds]?|caching|stale|session state|state machine|transition|after a while|"
    r"after (?:some|several|many) (?:requests|calls|runs|minutes|hours)|global state|singleton|"
    r"shared state|leaks? between)\b",
    re.IGNORECASE,
)
_LOAD = re.compile(
    r"\b(under (?:heavy )?load|high (?:traffic|load|concurrency)|load test(?:ing)?|stress test|"
    r"peak (?:hours|traffic)|concurrent (?:users|requests)|many (?:users|requests)|"
    r"\d+\s*(?:rps|qps|req/s|requests per second)|traffic spike)\b",
    re.IGNORECASE,
)


def compute_flags(context: FailureContext) -> StrategyFlags:
    from dap_proxy.hypotheses.candidates import state_signals

    text = context.issue_text
    reasons: dict[str, list[str]] = {name: [] for name in FLAG_NAMES}

    if context.intermittent:
        from dap_proxy.hypotheses.context import intermittent_phrase

        reasons["intermittent"].append(f'the text says "{intermittent_phrase(text)}"')

    local_frames = context.workspace_frames
    if match := _PRODUCTION_ONLY.search(text):
        reasons["production_only"].append(f'the text says "{match.group(0)}"')
    elif context.environment.deployment == "production" and not local_frames:
        reasons["production_only"].append("reported from production, no frame in this workspace")

    if not reasons["production_only"]:
        if local_frames:
            inner = local_frames[-1]
            reasons["reproducible_locally"].append(
                f"the traceback runs through {context.relative(inner.workspace_path or '')}:{inner.line} in this workspace"
            )
        if context.failing_test:
            reasons["reproducible_locally"].append(f"failing test {context.failing_test}")
        if match := _REPRODUCIBLE.search(text):
            reasons["reproducible_locally"].append(f'the text says "{match.group(0)}"')

    if match := _STATE.search(text):
        reasons["state_complex"].append(f'the text mentions "{match.group(0)}"')
    reasons["state_complex"].extend(state_signals(context))

    if match := _LOAD.search(text):
        reasons["under_load"].append(f'the text says "{match.group(0)}"')

    reasons = {name: why for name, why in reasons.items() if why}
    return StrategyFlags(**{name: name in reasons for name in FLAG_NAMES}, reasons=reasons)


def score_flags(flags: StrategyFlags) -> StrategyChoice:
    """Apply the matrix to the flags; ties keep the brief's order of strategies."""
    scores = {name: 0 for name in StrategyName}
    why: dict[StrategyName, list[str]] = {name: [] for name in StrategyName}
    for flag, points in MATRIX.items():
        if not getattr(flags, flag):
            continue
        for strategy, value in points.items():
            scores[strategy] += value
            why[strategy].append(f"{flag.replace('_', ' ')} {value:+d}")
    order = list(StrategyName)
    ranked = sorted(order, key=lambda s: (-scores[s], order.index(s)))
    table = [StrategyScore(name=s, score=scores[s], reasons=why[s]) for s in ranked]
    return StrategyChoice(flags=flags, scores=table, top=table[:2])


def select_strategy(context: FailureContext) -> StrategyChoice:
    """The top two strategies for this failure, with the reasons (flags are recomputed if the
    context has none set)."""
    flags = context.flags if context.flags.reasons else compute_flags(context)
    return score_flags(flags)
