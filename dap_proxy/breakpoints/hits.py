"""Hit conditions as the DAP specification means them, and where the proxy counts hits itself.

DAP: a breakpoint with both `condition` and `hitCondition` stops only when both hold, i.e. the
hit count is of the hits where the condition was true. debugpy (pydevd) stops as soon as the hit
condition holds without evaluating the condition: it ORs them (measured: condition `i == 7`
with hitCondition `2` in a 9-iteration loop stops twice; the spec's AND never stops). For such a
breakpoint the proxy sends the condition alone, counts the condition-true stops itself and
continues invisibly until the hit condition holds.

The hit condition forms pydevd accepts, and which the proxy evaluates the same way: `5` (the 5th
hit), `%3` (every 3rd), `==5`, `>5`, `>=5`, `<5`, `<=5`. Any other text pydevd evaluates as a
Python expression in the program; the proxy cannot, so such a breakpoint keeps debugpy's
behaviour (`counted_by_proxy` is False).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

_FORM = re.compile(r"^\s*(%|==|>=|<=|>|<)?\s*(\d+)\s*$")
_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def hit_test(hit_condition: str) -> Callable[[int], bool] | None:
    """A function of the hit count (1-based) for a pydevd-form hit condition, else None."""
    match = _FORM.match(hit_condition)
    if match is None:
        return None
    sign, number = match.group(1) or "==", int(match.group(2))
    if sign == "%":
        return (lambda n: False) if number == 0 else (lambda n: n % number == 0)
    compare = _OPERATORS[sign]
    return lambda n: compare(n, number)


def counted_by_proxy(bp: dict[str, Any]) -> bool:
    """True for a breakpoint with a condition and a hit condition the proxy can evaluate."""
    condition = bp.get("condition")
    hit = bp.get("hitCondition")
    return bool(condition) and isinstance(hit, str) and hit_test(hit) is not None


def without_hit_condition(bp: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in bp.items() if key != "hitCondition"}


class HitCounter:
    """Counts condition-true stops of one breakpoint and says when one is due to the editor."""

    __slots__ = ("count", "_test")

    def __init__(self, hit_condition: str) -> None:
        test = hit_test(hit_condition)
        if test is None:
            raise ValueError(f"not a hit condition the proxy can count: {hit_condition!r}")
        self._test = test
        self.count = 0

    def hit(self) -> bool:
        """One more condition-true stop; True when the editor should see it."""
        self.count += 1
        return self._test(self.count)
