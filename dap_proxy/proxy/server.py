"""Entry points of `smart-debug dap`: one session on stdio, or editors one after another on a
loopback port (DESIGN.md "Contracts": `smart-debug dap`, loopback only). Each session gets its
rooms from the `rooms` factory the caller passes (the proxy never imports a room); sessions are
made in one place, `new_session(channel)` in `run`.

`--port` serves sessions one after another until it is stopped (Ctrl-C, SIGTERM), each with a
fresh `Session`, so VS Code's `debugServer` or an nvim-dap server adapter can start the next
session with the next F5 (an editor that connects while the last session is still shutting down
waits for it). One editor at a time: another editor that connects during a session is refused,
never joined to it: it gets an `output` event saying why, a failed response to its first request
(if that comes within REFUSAL_WAIT), and the connection closes. A stop signal ends the running
session as a disconnect would (adapter and debuggee stopped), then the server exits 0; the stdio
session handles the signals the same way.

Binding anything but a loopback address needs `--allow-remote`: DAP and debugpy have no
authentication, so whoever reaches the port can run code in the debugged program.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Sequence

import anyio
from anyio.abc import SocketStream, TaskStatus

from dap_proxy.proxy.network import is_loopback, keep_alive, tunnel_hint
from dap_proxy.proxy.rooms import Room
from dap_proxy.proxy.seqmap import failed_response
from dap_proxy.proxy.session import Session
from dap_proxy.proxy.trafficlog import TrafficLog
from dap_proxy.wire.channel import ChannelClosed, MessageChannel
from dap_proxy.wire.framing import DEFAULT_MAX_FRAME, FrameError
from dap_proxy.wire.stdio import FdReceiveStream, FdSendStream, take_stdio

LOOPBACK = "127.0.0.1"
REFUSAL_WAIT = 5.0  # seconds: a refused editor's first request gets its failed response
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

NewSession = Callable[[MessageChannel], Session]
RoomFactory = Callable[[], Sequence[Room]]


def _no_rooms() -> Sequence[Room]:
    return ()


async def _stop_on_signals(
    stop: Callable[[str], None], *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED
) -> None:
    """Call `stop(signal name)` at the first Ctrl-C or SIGTERM (started with `tg.start`, so the
    signals are caught once it returns)."""
    with anyio.open_signal_receiver(*STOP_SIGNALS) as received:
        task_status.started()
        async for number in received:
            stop(signal.Signals(number).name)
            return


async def _serve_one(session: Session) -> None:
    """Run a session; a stop signal ends it like a disconnect."""

    def stop(name: str) -> None:
        session.finish(f"smart-debug dap was stopped ({name})")

    async with anyio.create_task_group() as tg:
        await tg.start(_stop_on_signals, stop)
        await session.run()
        tg.cancel_scope.cancel()


async def serve_stdio(new_session: NewSession, max_frame: int = DEFAULT_MAX_FRAME) -> int:
    read_fd, write_fd = take_stdio()
    channel = MessageChannel(
        FdReceiveStream(read_fd), FdSendStream(write_fd), name="the editor", max_frame=max_frame
    )
    await _serve_one(new_session(channel))
    return 0


class _Server:
    """Sessions one after another on one listening port."""

    def __init__(self, new_session: NewSession, max_frame: int, address: str) -> None:
        self.new_session = new_session
        self.max_frame = max_frame
        self.address = address
        self.active: Session | None = None
        self.idle = anyio.Event()
        self.idle.set()
        self.stopping = False

    async def handle(self, stream: SocketStream) -> None:
        keep_alive(stream.extra(anyio.abc.SocketAttribute.raw_socket))
        channel = MessageChannel(stream, stream, name="the editor", max_frame=self.max_frame)
        while self.active is not None:
            if not self.active.done:
                await self.refuse(channel)
                return
            await self.idle.wait()  # the last session is shutting down: this editor is next
        if self.stopping:
            await channel.aclose()
            return
        self.active = session = self.new_session(channel)
        self.idle = anyio.Event()
        try:
            await session.run()
        finally:
            self.active = None
            self.idle.set()

    async def refuse(self, channel: MessageChannel) -> None:
        text = (
            f"smart-debug: the debug server at {self.address} is serving another editor's "
            "session; it serves one at a time. End that session first, or start another "
            "`smart-debug dap --port` on a different port."
        )
        with contextlib.suppress(ChannelClosed):
            event = {"type": "event", "event": "output", "seq": 1}
            await channel.send({**event, "body": {"category": "important", "output": text + "\n"}})
            with anyio.move_on_after(REFUSAL_WAIT):
                while True:
                    item = await channel.receive()
                    if isinstance(item, FrameError) or item["type"] != "request":
                        continue
                    answer = failed_response(item["seq"], item["command"], text)
                    await channel.send({**answer, "seq": 2})
                    break
        await channel.aclose()

    def stop(self, name: str) -> None:
        """End the running session, if any, and take no new one."""
        self.stopping = True
        if self.active is not None:
            self.active.finish(f"smart-debug dap was stopped ({name})")


async def serve_tcp(
    port: int,
    new_session: NewSession,
    max_frame: int = DEFAULT_MAX_FRAME,
    host: str = LOOPBACK,
) -> int:
    """Serve editors on host:port (0 = any free port), one session at a time, until stopped."""
    try:
        listener = await anyio.create_tcp_listener(local_host=host, local_port=port)
    except OSError as exc:
        print(
            f"smart-debug dap: could not listen on {host}:{port}: {exc.strerror or exc}. "
            "Is another program using that port? Pick another with --port (0 = any free port).",
            file=sys.stderr,
        )
        return 1
    bound = listener.listeners[0].extra(anyio.abc.SocketAttribute.local_port)
    server = _Server(new_session, max_frame, f"{host}:{bound}")
    async with listener, anyio.create_task_group() as tg:
        stopped = anyio.Event()

        def stop(name: str) -> None:
            server.stop(name)
            stopped.set()

        await tg.start(_stop_on_signals, stop)
        tg.start_soon(listener.serve, server.handle, tg)
        # Tools and tests read this line to learn the port (useful with --port 0).
        print(f"smart-debug: DAP server listening on {host}:{bound}", flush=True)
        await stopped.wait()
        await server.idle.wait()
        tg.cancel_scope.cancel()
    return 0


def run(
    port: int | None,
    log_file: str | None,
    max_frame: int = DEFAULT_MAX_FRAME,
    host: str = LOOPBACK,
    allow_remote: bool = False,
    rooms: RoomFactory = _no_rooms,
) -> int:
    if port is not None and not is_loopback(host):
        if not allow_remote:
            print(
                f"smart-debug dap: refusing to listen on {host}: it is not a loopback address, "
                "and DAP and debugpy have no authentication or encryption, so anyone who can "
                "reach the port could run code in the debugged program. Listen on 127.0.0.1 "
                f"and {tunnel_hint('THIS-HOST', port or 5678)}; or pass --allow-remote to "
                "accept the risk.",
                file=sys.stderr,
            )
            return 2
        print(
            f"smart-debug dap: WARNING: listening on {host}, reachable from other machines; "
            "DAP and debugpy have no authentication or encryption: anyone who can connect can "
            "run code in the debugged program.",
            file=sys.stderr,
        )
    log = TrafficLog.from_options(log_file)

    def new_session(channel: MessageChannel) -> Session:
        return Session(channel, log, rooms())

    try:
        if port is None:
            return anyio.run(serve_stdio, new_session, max_frame)
        return anyio.run(serve_tcp, port, new_session, max_frame, host)
    except OSError as exc:
        print(f"smart-debug dap: {exc}", file=sys.stderr)
        return 1
    finally:
        if log is not None:
            log.close()
