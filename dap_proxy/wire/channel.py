"""The async message channel: DAP frames over anyio byte streams (stdio, TCP, a child's pipes).

`MessageChannel.receive()` yields decoded messages and `FrameError` values (a bad frame never
kills the reader); `send()` writes one frame with a single write. No DAP command semantics.
Issue 2 section 2.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable

import anyio
from anyio.abc import ByteReceiveStream, ByteSendStream

from dap_proxy.wire.framing import (
    DEFAULT_MAX_FRAME,
    FrameDecoder,
    FrameError,
    Message,
    encode_message,
)

READ_CHUNK = 65536

# Called with ("in"|"out", message-or-error) for every message when a traffic log is on.
Tap = Callable[[str, "Message | FrameError"], None]


class ChannelClosed(Exception):
    """The peer closed its side (end of stream) or the transport broke."""


class MessageChannel:
    """One DAP connection: framed JSON messages over a receive and a send byte stream."""

    __slots__ = ("_receive", "_send", "_decoder", "_ready", "_lock", "name", "tap", "closed")

    def __init__(
        self,
        receive: ByteReceiveStream,
        send: ByteSendStream,
        *,
        name: str = "peer",
        max_frame: int = DEFAULT_MAX_FRAME,
    ) -> None:
        self._receive = receive
        self._send = send
        self._decoder = FrameDecoder(max_frame)
        self._ready: deque[Message | FrameError] = deque()
        # fast_acquire: no checkpoint when uncontended (the usual case on the hot path)
        self._lock = anyio.Lock(fast_acquire=True)
        self.name = name
        self.tap: Tap | None = None
        self.closed = False

    async def receive(self) -> Message | FrameError:
        """The next message or frame error; raises `ChannelClosed` at end of stream."""
        ready = self._ready
        while not ready:
            try:
                data = await self._receive.receive(READ_CHUNK)
            except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
                self.closed = True
                raise ChannelClosed(f"{self.name} closed the connection") from None
            except OSError as exc:
                self.closed = True
                raise ChannelClosed(f"{self.name} connection failed: {exc}") from None
            ready.extend(self._decoder.feed(data))
        item = ready.popleft()
        if self.tap is not None:
            self.tap("in", item)
        return item

    async def send(self, message: Message) -> None:
        """Write one message as one frame; raises `ChannelClosed` if the peer is gone."""
        if self.tap is not None:
            self.tap("out", message)
        await self.send_bytes(encode_message(message))

    async def send_bytes(self, frame: bytes) -> None:
        if self.closed:
            raise ChannelClosed(f"{self.name} is closed")
        try:
            async with self._lock:
                await self._send.send(frame)
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError) as exc:
            self.closed = True
            raise ChannelClosed(f"could not write to {self.name}: {exc}") from None

    async def aclose(self) -> None:
        """Close both directions (idempotent)."""
        self.closed = True
        for stream in (self._send, self._receive):
            with contextlib.suppress(OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
                await stream.aclose()
