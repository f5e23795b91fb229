"""The breakpoints room (placeholder while the room is built)."""

from __future__ import annotations

from dap_proxy.proxy.rooms import Room


class BreakpointsRoom(Room):
    name = "breakpoints"
