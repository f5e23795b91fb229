"""Entry points of `smart-debug dap`: one session on stdio, or one editor on 127.0.0.1:PORT.
Each session gets its rooms from the `rooms` factory its caller passes (the proxy never imports
a room). DESIGN.md "Contracts" (`smart-debug dap`, loopback only).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import anyio

from dap_proxy.proxy.rooms import Room
from dap_proxy.proxy.session import Session
from dap_proxy.proxy.trafficlog import TrafficLog
from dap_proxy.wire.channel import MessageChannel
from dap_proxy.wire.framing import DEFAULT_MAX_FRAME
from dap_proxy.wire.stdio import FdReceiveStream, FdSendStream, take_stdio

LOOPBACK = "127.0.0.1"

RoomFactory = Callable[[], Sequence[Room]]


def _no_rooms() -> Sequence[Room]:
    return ()


async def serve_stdio(
    log: TrafficLog | None = None,
    max_frame: int = DEFAULT_MAX_FRAME,
    rooms: RoomFactory = _no_rooms,
) -> int:
    read_fd, write_fd = take_stdio()
    channel = MessageChannel(
        FdReceiveStream(read_fd), FdSendStream(write_fd), name="the editor", max_frame=max_frame
    )
    await Session(channel, log, rooms()).run()
    return 0


async def serve_tcp(
    port: int,
    log: TrafficLog | None = None,
    max_frame: int = DEFAULT_MAX_FRAME,
    rooms: RoomFactory = _no_rooms,
) -> int:
    """Accept one editor on 127.0.0.1:port (0 = any free port), serve it, then exit."""
    try:
        multi = await anyio.create_tcp_listener(local_host=LOOPBACK, local_port=port)
    except OSError as exc:
        print(
            f"smart-debug dap: could not listen on {LOOPBACK}:{port}: {exc.strerror or exc}. "
            "Is another program using that port? Pick another with --port (0 = any free port).",
            file=sys.stderr,
        )
        return 1
    # one address (IPv4 loopback), so one listener; accept exactly one editor
    listener = multi.listeners[0]
    async with multi:
        bound = listener.extra(anyio.abc.SocketAttribute.local_port)
        # Tools and tests read this line to learn the port (useful with --port 0).
        print(f"smart-debug: DAP server listening on {LOOPBACK}:{bound}", flush=True)
        stream = await listener.accept()  # type: ignore[attr-defined]
    channel = MessageChannel(stream, stream, name="the editor", max_frame=max_frame)
    await Session(channel, log, rooms()).run()
    return 0


def run(
    port: int | None,
    log_file: str | None,
    max_frame: int = DEFAULT_MAX_FRAME,
    rooms: RoomFactory = _no_rooms,
) -> int:
    log = TrafficLog.from_options(log_file)
    try:
        if port is None:
            return anyio.run(serve_stdio, log, max_frame, rooms)
        return anyio.run(serve_tcp, port, log, max_frame, rooms)
    except OSError as exc:
        print(f"smart-debug dap: {exc}", file=sys.stderr)
        return 1
    finally:
        if log is not None:
            log.close()
