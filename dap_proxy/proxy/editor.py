"""The editor side of the proxy: messages from the editor (VS Code, Cursor, a test client).

Requests pass through the session's rooms first, then go by name to `<command>_request` methods;
a command without a handler is forwarded unchanged (renumbered) to debugpy. Responses from the
editor answer reverse requests (`runInTerminal`, `startDebugging`) and go back to the adapter.
DAP specification: "Base Protocol".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from dap_proxy.proxy.seqmap import SeqCounter, failed_response
from dap_proxy.wire.channel import ChannelClosed, MessageChannel
from dap_proxy.wire.framing import FrameError, Message

if TYPE_CHECKING:
    from dap_proxy.proxy.rooms import Room
    from dap_proxy.proxy.session import Session

Handler = Callable[[Message], Awaitable[None]]
_MAX_CACHED_HANDLERS = 512  # command names come from outside: bound the lookup cache


class EditorSide:
    """The editor peer: its channel, the seq numbers we send it, and handlers for its requests."""

    def __init__(self, session: Session, channel: MessageChannel) -> None:
        self.session = session
        self.channel = channel
        self.seq = SeqCounter()
        # seq we gave a reverse request sent to the editor -> the adapter's seq for it
        self.reverse_pending: dict[int, int] = {}
        self._handlers: dict[str, Handler | None] = {}
        self.gone = False

    # ------------------------------------------------------------------ sending
    async def send(self, message: Message) -> None:
        """Renumber and send; a vanished editor ends the session instead of raising."""
        message["seq"] = self.seq.next()
        try:
            await self.channel.send(message)
        except ChannelClosed:
            self.gone = True
            self.session.finish("the editor closed the connection")

    async def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        message: Message = {"type": "event", "event": event}
        if body is not None:
            message["body"] = body
        await self.send(message)

    async def respond(self, request: Message, body: dict[str, Any] | None = None) -> None:
        message: Message = {
            "type": "response",
            "request_seq": request["seq"],
            "command": request["command"],
            "success": True,
        }
        if body is not None:
            message["body"] = body
        await self.send(message)

    async def respond_error(self, request: Message, text: str) -> None:
        await self.send(failed_response(request["seq"], request["command"], text))

    async def output(self, text: str, category: str = "console") -> None:
        await self.send_event("output", {"category": category, "output": text.rstrip("\n") + "\n"})

    # ------------------------------------------------------------------ receiving
    async def run(self) -> None:
        """Read until the editor closes, then end the session."""
        try:
            while True:
                item = await self.channel.receive()
                if isinstance(item, FrameError):
                    await self.bad_frame(item)
                else:
                    await self.on_message(item)
        except ChannelClosed:
            self.gone = True
        finally:
            self.session.finish("the editor closed the connection")

    async def on_message(self, message: Message) -> None:
        kind = message["type"]
        if kind == "request":
            await self.dispatch(message)
        elif kind == "response":
            await self.session.forward_reverse_response(message)
        # events from the editor are not part of DAP: ignored

    async def dispatch(self, message: Message, after: Room | None = None) -> None:
        """A request through the rooms (those after `after`), then its handler or forwarding."""
        command = message["command"]
        passed = await self.session.rooms.through(
            command + "_request", message, self._room_failed, after
        )
        if passed is None:
            return
        message = passed
        handler = self._handlers.get(command, _missing)
        if handler is _missing:
            handler = getattr(self, command + "_request", None)
            if len(self._handlers) < _MAX_CACHED_HANDLERS:
                self._handlers[command] = handler
        try:
            if handler is None:
                await self.session.forward_request(message)
            else:
                await handler(message)
        except Exception as exc:  # a handler bug is a failed response, not a dead proxy
            await self.respond_error(
                message, f"smart-debug could not handle {command!r}: {exc or type(exc)}"
            )

    async def _room_failed(self, room: Room, request: Message, exc: Exception) -> bool:
        await self.respond_error(
            request,
            f"smart-debug's {room.name} room could not handle {request['command']!r}: "
            f"{exc or type(exc)}",
        )
        return False

    async def bad_frame(self, error: FrameError) -> None:
        text = f"smart-debug ignored a malformed message from the editor: {error.message}"
        await self.output(text, "stderr")
        if error.seq is not None:
            await self.send(failed_response(error.seq, error.command or "unknown", text))

    # ------------------------------------------------------------------ handlers
    async def initialize_request(self, request: Message) -> None:
        await self.session.answer_initialize(request)

    async def launch_request(self, request: Message) -> None:
        await self.session.start(request)

    async def attach_request(self, request: Message) -> None:
        await self.session.start(request)

    async def disconnect_request(self, request: Message) -> None:
        await self.session.disconnect(request)


_missing: Any = object()
