"""anyio byte streams over the process's own stdin/stdout, for a DAP adapter on stdio.

`take_stdio()` moves the protocol onto private duplicates of fds 0 and 1 and points fd 1 at
stderr, so a stray `print` (ours or a library's) cannot corrupt the DAP stream, and fd 0 at
/dev/null so children never read the editor's bytes. Pipes, sockets and ttys use the asyncio
event loop directly; anything else (a regular file) falls back to a worker thread.
"""

from __future__ import annotations

import asyncio
import os
import stat
import sys

import anyio
from anyio.abc import ByteReceiveStream, ByteSendStream


def take_stdio() -> tuple[int, int]:
    """(read fd, write fd) for the protocol; fds 0/1 are redirected as described above."""
    sys.stdout.flush()
    read_fd = os.dup(0)
    write_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return read_fd, write_fd


def _loop_capable(fd: int) -> bool:
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)


class FdReceiveStream(ByteReceiveStream):
    """Reads a file descriptor through the asyncio loop (or a thread for regular files)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._reader: asyncio.StreamReader | None = None
        self._transport: asyncio.BaseTransport | None = None
        self._use_loop = _loop_capable(fd)

    async def _start(self) -> asyncio.StreamReader:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=2**26)
        protocol = asyncio.StreamReaderProtocol(reader)
        self._transport, _ = await loop.connect_read_pipe(
            lambda: protocol, os.fdopen(self._fd, "rb", buffering=0)
        )
        if hasattr(self._transport, "max_size"):
            # 256 KiB by default: above malloc's mmap threshold, an mmap per small message
            self._transport.max_size = 65536
        self._reader = reader
        return reader

    async def receive(self, max_bytes: int = 65536) -> bytes:
        if self._use_loop:
            reader = self._reader or await self._start()
            data = await reader.read(max_bytes)
        else:  # pragma: no cover - regular files only
            data = await anyio.to_thread.run_sync(os.read, self._fd, max_bytes)
        if not data:
            raise anyio.EndOfStream
        return data

    async def aclose(self) -> None:
        if self._transport is not None:
            self._transport.close()


class FdSendStream(ByteSendStream):
    """Writes a file descriptor through the asyncio loop (or a thread for regular files)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._writer: asyncio.StreamWriter | None = None
        self._use_loop = _loop_capable(fd)

    async def _start(self) -> asyncio.StreamWriter:
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(self._fd, "wb", buffering=0)
        )
        self._writer = asyncio.StreamWriter(transport, protocol, None, loop)
        return self._writer

    @property
    def transport(self) -> asyncio.WriteTransport | None:
        """The pipe transport once started (the message channel writes to it directly)."""
        return self._writer.transport if self._writer is not None else None  # type: ignore[return-value]

    async def send(self, item: bytes) -> None:
        if self._use_loop:
            writer = self._writer or await self._start()
            if writer.transport.is_closing():
                raise anyio.BrokenResourceError
            writer.write(item)
            await writer.drain()
        else:  # pragma: no cover - regular files only
            await anyio.to_thread.run_sync(os.write, self._fd, item)

    async def aclose(self) -> None:
        if self._writer is not None:
            self._writer.close()
