"""Rooms: the ordered seam through which the session passes messages, so new behaviour lives
beside the proxy instead of inside its peers (DESIGN.md "Rooms").

A room is an object with coroutine methods named after what they handle, in the style of the
peers' own handlers: `<command>_request` (a request from the editor), `<command>_response` (the
adapter's response to a request the editor sent) and `<event>_event` (an event from the adapter),
plus the catch-alls `request`, `response` and `event`. Each handler receives the message and
returns it, changed or not, to pass it on to the next room and finally to the peer's own handler
(or the plain forward); it returns None to consume it: the room answered it itself, dropped it,
or will send something later through the session's API.

The proxy never imports a room: whoever builds the `Session` hands it its rooms (see
`dap_proxy.serve`). One guard wraps every room handler: an exception in a room becomes a failed
response to the editor's request, or an `output` event naming the room while the adapter's
message goes on as if the room had passed it. A bug in a room never ends the session.

Handlers run inline in a peer's reader loop, in message order. A handler that needs the
adapter's answer to a request of its own must not await it inline (the same loop delivers that
answer): it spawns the work with `session.spawn` and consumes or passes the message at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from dap_proxy.wire.framing import Message

if TYPE_CHECKING:
    from dap_proxy.proxy.session import Session

RoomHandler = Callable[[Message], Awaitable["Message | None"]]
_MAX_CACHED_CHAINS = 1024  # command and event names come from outside: bound the cache
_CATCH_ALL = {"_request": "request", "_response": "response", "_event": "event"}


class Room:
    """Base class of a room: `bind` gives it the session; `started`/`ended` mark the session's
    life (launch/attach accepted, session over). Handlers are found by name (module docstring)."""

    name = "room"
    session: Session

    def bind(self, session: Session) -> None:
        self.session = session

    async def started(self) -> None:
        """The adapter is running and launch/attach went to it."""

    async def ended(self) -> None:
        """The session is over (called once, before the adapter is shut down)."""


class RoomChain:
    """The rooms of one session, in order, with one handler chain per message name."""

    def __init__(self, rooms: Sequence[Room]) -> None:
        self.rooms = list(rooms)
        self._chains: dict[str, tuple[tuple[Room, RoomHandler], ...]] = {}

    def chain(self, name: str) -> tuple[tuple[Room, RoomHandler], ...]:
        """(room, handler) pairs for `name` ("setBreakpoints_request", "stopped_event", ...)."""
        found = self._chains.get(name)
        if found is None:
            suffix = name[name.rfind("_") :] if "_" in name else ""
            catch_all = _CATCH_ALL.get(suffix)
            pairs: list[tuple[Room, RoomHandler]] = []
            for room in self.rooms:
                handler = getattr(room, name, None)
                if handler is None and catch_all is not None:
                    handler = getattr(room, catch_all, None)  # a room's own name wins
                if handler is not None and callable(handler):
                    pairs.append((room, handler))
            found = tuple(pairs)
            if len(self._chains) < _MAX_CACHED_CHAINS:
                self._chains[name] = found
        return found

    async def through(
        self,
        name: str,
        message: Message,
        on_error: Callable[[Room, Message, Exception], Awaitable[bool]],
        after: Room | None = None,
    ) -> Message | None:
        """Pass `message` through every room handling `name` (only those after `after`, when a
        room releases a message it held); None when a room consumed it. `on_error(room,
        message, exc)` reports a room's failure and says whether the message goes on (True) or
        stops there (False)."""
        chain = self.chain(name)
        if after is not None:
            position = self.rooms.index(after)
            chain = tuple(pair for pair in chain if self.rooms.index(pair[0]) > position)
        for room, handler in chain:
            try:
                result = await handler(message)
            except Exception as exc:  # the guard: a room's bug is a protocol value
                if not await on_error(room, message, exc):
                    return None
                continue
            if result is None:
                return None
            message = result
        return message

    async def each(self, hook: str, on_error: Callable[[Room, Exception], Awaitable[Any]]) -> None:
        """Call `started`/`ended` on every room, in order, guarded."""
        for room in self.rooms:
            try:
                await getattr(room, hook)()
            except Exception as exc:
                await on_error(room, exc)
