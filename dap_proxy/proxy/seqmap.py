"""seq bookkeeping between the two peers (issue 2 section 3).

Each direction numbers its own messages from 1. The proxy renumbers everything it forwards and
remembers, per outgoing request, where its response must go: back to the editor (the editor's
seq and command) or to the proxy's own waiting coroutine (`OwnRequest`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio

from dap_proxy.wire.framing import Message


class SeqCounter:
    """The seq numbers of one direction: 1, 2, 3, ..."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


@dataclass(slots=True)
class OwnRequest:
    """A request the proxy sent for itself; its response never reaches the editor."""

    command: str
    done: anyio.Event = field(default_factory=anyio.Event)
    response: Message | None = None

    def resolve(self, response: Message) -> None:
        self.response = response
        self.done.set()


# adapter-side seq -> (editor's seq, command) for forwarded requests, or the proxy's own request
Origin = tuple[int, str] | OwnRequest


def failed_response(request_seq: int, command: str, message: str) -> Message:
    """A `success: false` response (seq is set by whoever sends it)."""
    return {
        "type": "response",
        "request_seq": request_seq,
        "command": command,
        "success": False,
        "message": message,
    }
