"""The async message channel: DAP frames over anyio byte streams (stdio, TCP, a child's pipes).

`MessageChannel.receive()` yields decoded messages and `FrameError` values (a bad frame never
kills the reader); `send()` writes one frame with a single write. No DAP command semantics.
Issue 2 section 2.

Hot path: when the anyio stream sits on an asyncio transport (stdio pipes, a child's stdin,
TCP), `send()` hands the frame straight to `transport.write()`, which never blocks and writes
the whole frame in order; the awaited anyio path (lock, drain) is used only when the transport
buffer is above its high-water mark, so a slow peer still applies backpressure. Reads are capped
at READ_CHUNK per system call: asyncio's default (256 KiB) is above malloc's mmap threshold, so
every small DAP message cost an mmap/mremap/munmap and fresh zeroed pages.
"""

from __future__ import annotations

import asyncio
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
WRITE_HIGH_WATER = 1 << 20  # bytes buffered in the transport before a send awaits the drain
_RESOLVE_TRIES = 3  # slow sends after which we stop looking for the stream's transport

# Called with ("in"|"out", message-or-error) for every message when a traffic log is on.
Tap = Callable[[str, "Message | FrameError"], None]


class ChannelClosed(Exception):
    """The peer closed its side (end of stream) or the transport broke."""


class MessageChannel:
    """One DAP connection: framed JSON messages over a receive and a send byte stream."""

    __slots__ = (
        "_receive",
        "_send",
        "_decoder",
        "_ready",
        "_lock",
        "_transport",
        "_resolve_tries",
        "_slow_sends",
        "name",
        "tap",
        "closed",
    )

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
        self._transport = _transport_of(send)
        limit_read_size(receive)
        self._resolve_tries = 0
        self._slow_sends = 0  # awaited sends in flight: the fast path waits its turn meanwhile
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
        transport = self._transport
        if (
            transport is not None
            and not self._slow_sends
            and not self.closed
            and not transport.is_closing()
            and transport.get_write_buffer_size() < WRITE_HIGH_WATER
        ):
            transport.write(frame)
            return
        if self.closed:
            raise ChannelClosed(f"{self.name} is closed")
        self._slow_sends += 1
        try:
            async with self._lock:
                await self._send.send(frame)
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError) as exc:
            self.closed = True
            raise ChannelClosed(f"could not write to {self.name}: {exc}") from None
        finally:
            self._slow_sends -= 1
        if transport is None and self._resolve_tries < _RESOLVE_TRIES:
            self._resolve_tries += 1  # some streams create their transport on first use
            self._transport = _transport_of(self._send)

    async def aclose(self) -> None:
        """Close both directions (idempotent)."""
        self.closed = True
        for stream in (self._send, self._receive):
            with contextlib.suppress(OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
                await stream.aclose()


def _transport_of(stream: ByteSendStream) -> asyncio.WriteTransport | None:
    """The asyncio transport under an anyio byte stream, if it has one we can write to
    directly: ours (`FdSendStream.transport`), anyio's process pipes (`_stream.transport`) and
    anyio's TCP streams (`_transport`). None means: always use the awaited anyio path."""
    for path in (("transport",), ("_stream", "transport"), ("_transport",)):
        candidate: object = stream
        for attribute in path:
            candidate = getattr(candidate, attribute, None)
        if isinstance(candidate, asyncio.WriteTransport):
            return candidate
    return None


def limit_read_size(stream: ByteReceiveStream) -> None:
    """Cap the read size of the asyncio transport under an anyio byte stream, when there is one
    (anyio's process pipes: `_stream._transport`; anyio's TCP streams: `_transport`)."""
    for path in (("_stream", "_transport"), ("_transport",)):
        candidate: object = stream
        for attribute in path:
            candidate = getattr(candidate, attribute, None)
        if isinstance(candidate, asyncio.ReadTransport) and hasattr(candidate, "max_size"):
            candidate.max_size = READ_CHUNK  # an instance attribute; the class stays untouched
            return
