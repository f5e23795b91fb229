"""Small helpers shared by the state, hang and integration rules: code locations, the failure's own
words for a hypothesis, and the external boundary kinds."""

from __future__ import annotations

from dap_proxy.hypotheses.candidates import (
    RuleInput,
    quoted_values,
    short,
)
from dap_proxy.hypotheses.models import CodeLocation

EXTERNAL_KINDS = ("network", "database", "subprocess")


def code_location(file: str, line: int, role: str, code: str = "") -> CodeLocation:
    return CodeLocation(file=file, line=line, role=role, code=code or None)


def message_values(inp: RuleInput) -> str:
    """The failure's own words, so the hypothesis quotes what was observed."""
    if inp.message:
        return f' (the failure says "{short(inp.message, 80)}")'
    values = quoted_values(inp.context.failure.assertion or "")
    return f" (the failure reports {', '.join(values[:3])})" if values else ""


def body_line(source, def_line: int) -> int:  # noqa: ANN001
    func = source.function_at(def_line)
    return func.body[0].lineno if func is not None and func.body else def_line
