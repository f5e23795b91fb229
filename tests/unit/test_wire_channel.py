"""The async message channel on in-memory byte streams: one write per message, errors as values,
end of stream as ChannelClosed, the traffic tap."""

from __future__ import annotations

import anyio
import pytest
from anyio.abc import ByteReceiveStream, ByteSendStream
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from dap_proxy.wire.channel import ChannelClosed, MessageChannel
from dap_proxy.wire.framing import FrameError, FrameErrorKind, encode_message


class MemoryReceive(ByteReceiveStream):
    def __init__(self, inner: MemoryObjectReceiveStream[bytes]) -> None:
        self.inner = inner

    async def receive(self, max_bytes: int = 65536) -> bytes:
        return await self.inner.receive()

    async def aclose(self) -> None:
        await self.inner.aclose()


class RecordingSend(ByteSendStream):
    def __init__(self, inner: MemoryObjectSendStream[bytes] | None = None) -> None:
        self.writes: list[bytes] = []
        self.inner = inner

    async def send(self, item: bytes) -> None:
        self.writes.append(item)
        if self.inner is not None:
            await self.inner.send(item)

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()


def test_receives_messages_and_errors_then_closed() -> None:
    async def main() -> list[object]:
        send, receive = anyio.create_memory_object_stream[bytes](10)
        channel = MessageChannel(MemoryReceive(receive), RecordingSend(), name="editor")
        seen: list[tuple[str, object]] = []
        channel.tap = lambda direction, item: seen.append((direction, item))
        message = {"seq": 1, "type": "request", "command": "threads"}
        data = encode_message(message)
        await send.send(data[:5])
        await send.send(data[5:] + b"Content-Length: 3\r\n\r\nabc" + encode_message(message))
        await send.aclose()
        items: list[object] = []
        with pytest.raises(ChannelClosed, match="editor closed"):
            while True:
                items.append(await channel.receive())
        assert [d for d, _ in seen] == ["in", "in", "in"]
        return items

    first, error, last = anyio.run(main)
    assert first == last == {"seq": 1, "type": "request", "command": "threads"}
    assert isinstance(error, FrameError) and error.kind is FrameErrorKind.INVALID_JSON


def test_each_message_is_one_write_even_when_sent_concurrently() -> None:
    async def main() -> RecordingSend:
        _, receive = anyio.create_memory_object_stream[bytes](1)
        sink = RecordingSend()
        channel = MessageChannel(MemoryReceive(receive), sink)
        async with anyio.create_task_group() as tg:
            for seq in range(1, 51):
                tg.start_soon(channel.send, {"seq": seq, "type": "event", "event": "e" * seq})
        return sink

    sink = anyio.run(main)
    assert len(sink.writes) == 50
    assert sorted(sink.writes) == sorted(
        encode_message({"seq": s, "type": "event", "event": "e" * s}) for s in range(1, 51)
    )


def test_send_after_peer_closed_raises_channel_closed() -> None:
    async def main() -> None:
        out_send, out_receive = anyio.create_memory_object_stream[bytes](1)
        _, receive = anyio.create_memory_object_stream[bytes](1)
        channel = MessageChannel(MemoryReceive(receive), RecordingSend(out_send), name="adapter")
        await out_receive.aclose()
        with pytest.raises(ChannelClosed, match="could not write to adapter"):
            await channel.send({"seq": 1, "type": "event", "event": "x"})
        assert channel.closed

    anyio.run(main)
