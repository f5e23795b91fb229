"""Pure functions of the breakpoints room: merge the proxy's own breakpoints into an editor's
`setBreakpoints` for one source, and split the adapter's response back into the editor's part
and ours by position (DAP: the response's `breakpoints` array is in request order).

debugpy holds one breakpoint per line, so an injected breakpoint on a line where the editor has
one of its own is left out (the user's wins; the live session reads that line at the stop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dap_proxy.breakpoints.hits import counted_by_proxy, without_hit_condition

Breakpoint = dict[str, Any]  # a DAP SourceBreakpoint (request) or Breakpoint (response)


@dataclass
class Placed:
    """A breakpoint the proxy adds to a source on its own account."""

    key: str  # the live session's probe id ("p3"), or "launch:N" for a launch-config entry
    path: str  # as the proxy sends it (a remote path when pathMappings were inferred)
    breakpoint: Breakpoint  # SourceBreakpoint fields: line, condition?, hitCondition?, logMessage?
    stops: bool = False  # it pauses the program (a snapshot, or a launch-config breakpoint)
    visible: bool = False  # its stops reach the editor (the user's own, from the launch config)
    # what the adapter answered
    adapter_id: int | None = None
    verified: bool | None = None
    line: int | None = None  # the line debugpy actually uses (it moves some)
    message: str | None = None
    # its life
    removed: bool = False
    hits: int = 0  # stops seen (snapshots); logpoint hits are counted by the live session

    @property
    def requested_line(self) -> int:
        return int(self.breakpoint["line"])


@dataclass
class MergePlan:
    """What one merged setBreakpoints holds, to read its response back."""

    user_count: int
    placed: list[Placed]  # in the order they were appended
    left_out: list[Placed]  # placed on a line the editor already has a breakpoint on
    counted: dict[int, str]  # index of an editor breakpoint -> its hitCondition (we count it)


def merge(
    user: Sequence[Breakpoint], placed: Sequence[Placed]
) -> tuple[list[Breakpoint], MergePlan]:
    """The list to send for one source: the editor's breakpoints first, in its order (those
    whose condition + hitCondition the proxy counts itself lose the hitCondition), then ours."""
    sent: list[Breakpoint] = []
    counted: dict[int, str] = {}
    for index, bp in enumerate(user):
        if counted_by_proxy(bp):
            counted[index] = str(bp["hitCondition"])
            sent.append(without_hit_condition(bp))
        else:
            sent.append(bp)
    taken = {bp.get("line") for bp in user}
    going: list[Placed] = []
    left_out: list[Placed] = []
    for item in placed:
        if item.removed:
            continue
        if item.requested_line in taken:
            left_out.append(item)
            continue
        taken.add(item.requested_line)
        going.append(item)
        if item.visible and counted_by_proxy(item.breakpoint):
            sent.append(without_hit_condition(item.breakpoint))
        else:
            sent.append(dict(item.breakpoint))
    return sent, MergePlan(len(user), going, left_out, counted)


def split_response(
    breakpoints: Sequence[Breakpoint], plan: MergePlan
) -> tuple[list[Breakpoint], list[tuple[Placed, Breakpoint]]]:
    """(the editor's breakpoints, in its order; each placed breakpoint with its answer)."""
    user = list(breakpoints[: plan.user_count])
    ours = list(zip(plan.placed, breakpoints[plan.user_count :], strict=False))
    return user, ours


def merge_lines(lines: Sequence[int], plan: MergePlan) -> list[int]:
    """The deprecated `lines` array of setBreakpoints, kept in step with `breakpoints`."""
    return [*lines, *(item.requested_line for item in plan.placed)]
