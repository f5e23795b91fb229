"""Breakpoint ids as the editor would have seen them without the proxy's own breakpoints.

debugpy numbers every breakpoint it creates from one counter (source and function breakpoints
alike, each time a source's list is set). The proxy's own breakpoints take numbers from that
counter too, which would shift the ids of the editor's later breakpoints; so the editor gets
"virtual" ids counted as debugpy would have counted its own breakpoints alone, and the proxy maps
them both ways (responses, `breakpoint` events, `stopped.hitBreakpointIds`).
"""

from __future__ import annotations


class IdMap:
    def __init__(self) -> None:
        self._next: int | None = None  # the next virtual id; set from debugpy's first id
        self._extra = 0  # ids debugpy gave out because of the proxy (answered so far)
        self._virtual: dict[int, int] = {}  # adapter id -> the editor's id

    def note_extra(self, count: int) -> None:
        """`count` ids of an answered setBreakpoints went to the proxy's own breakpoints (or to
        re-creating the editor's, which debugpy would not have done without the proxy)."""
        self._extra += count

    def new_ids(self, count: int, first_adapter_id: int | None) -> list[int]:
        """Virtual ids for `count` breakpoints the editor just set (in order); call it before
        `note_extra` for the same response (the editor's breakpoints come first in it)."""
        if self._next is None:
            self._next = 0 if first_adapter_id is None else max(0, first_adapter_id - self._extra)
        start = self._next
        self._next += count
        return list(range(start, start + count))

    def link(self, adapter_id: int, virtual_id: int) -> None:
        self._virtual[adapter_id] = virtual_id

    def forget(self, adapter_ids: list[int]) -> None:
        for adapter_id in adapter_ids:
            self._virtual.pop(adapter_id, None)

    def to_editor(self, adapter_id: int) -> int | None:
        return self._virtual.get(adapter_id)
