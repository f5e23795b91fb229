"""Builds a FailureContext from what a user pastes (brief, Phase 1 `$ARGUMENTS`): free text with an
error message, a traceback, reproduction steps and environment hints.

Traceback parsing and environment extraction are the analysis room's
(`dap_proxy.analysis.traceback`, `dap_proxy.analysis.failure_context`); `environment.py` adds
package pins, env var names and change notes.
"""

from __future__ import annotations

import re
from pathlib import Path

from dap_proxy.analysis.failure_context import HANG, INTERMITTENT, extract_environment
from dap_proxy.analysis.models import ParsedFailure
from dap_proxy.analysis.traceback import parse_failure, strip_failures
from dap_proxy.hypotheses.environment import environment_from_prose
from dap_proxy.hypotheses.models import EnvironmentHints, FailureContext

_TIMEOUT_MESSAGE = re.compile(r"^Timeout\b|\btimed out after\b", re.IGNORECASE)
HANG_EXCEPTIONS = {"KeyboardInterrupt", "TimeoutError", "TimeoutExpired", "Timeout"}


def parse_failure_text(text: str, workspace: Path) -> ParsedFailure:
    """Frames mapped to the workspace; an empty failure if the parser trips (triage then works
    from the prose alone)."""
    try:
        return parse_failure(text, workspace)
    except Exception:  # noqa: BLE001 - pasted text is arbitrary; never crash triage on it
        return ParsedFailure()


def prose(text: str) -> str:
    """The text without its tracebacks, so keywords in code or paths (`<frozen ...>`, a variable
    called `timeout`) do not count as what the user said."""
    return strip_failures(text)


def environment_hints(text: str) -> EnvironmentHints:
    """Environment facts from the text: the analysis room's extractor plus pins, env var names and
    change notes."""
    hints = environment_from_prose(prose(text))
    facts = extract_environment(text)
    hints.python_version = hints.python_version or facts.python_version
    if facts.os:
        hints.platform = f"{facts.os} {facts.os_version or ''}".strip()
    for env in ("production", "staging", "ci"):
        if env in facts.environments:
            hints.deployment = env
            break
    hints.intermittent = facts.intermittent
    hints.under_load = facts.under_load
    hints.only_in_production = facts.only_in_production
    return hints


def build_context(text: str, workspace: Path | str = ".") -> FailureContext:
    """Parse the pasted text into a FailureContext with frames mapped to `workspace` and the
    strategy flags computed (see `strategy.compute_flags`)."""
    from dap_proxy.hypotheses.strategy import compute_flags

    root = Path(workspace).resolve()
    failure = parse_failure_text(text, root)
    final = failure.final
    said = prose(text)
    hang = bool(HANG.search(said)) or bool(
        final
        and (
            final.type.split(".")[-1] in HANG_EXCEPTIONS
            # pytest-timeout: `Failed: Timeout (>5.0s) from pytest-timeout.`
            or _TIMEOUT_MESSAGE.search(final.message)
        )
    )
    environment = environment_hints(text)
    context = FailureContext(
        issue_text=text,
        workspace=str(root),
        failure=failure,
        failing_test=failure.failing_tests[0] if failure.failing_tests else None,
        environment=environment,
        intermittent=bool(INTERMITTENT.search(said)) or environment.intermittent,
        hang=hang,
    )
    context.flags = compute_flags(context)
    return context


def is_recognisable(context: FailureContext) -> bool:
    """True when the text held something triage can work with: an exception, a hang report, or
    frames."""
    return bool(context.failure.exceptions or context.hang or context.frames)


def intermittent_phrase(text: str) -> str | None:
    match = INTERMITTENT.search(prose(text))
    return match.group(0) if match else None


def hang_phrase(text: str) -> str | None:
    match = HANG.search(prose(text))
    return match.group(0) if match else None
