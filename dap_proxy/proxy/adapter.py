"""The adapter side of the proxy: debugpy's adapter, spawned on stdio or reached over TCP.

Events and responses to the editor's requests pass through the session's rooms first, then go
to `<event>_event` / `<command>_response` methods when those exist, else they are forwarded to
the editor. Reverse requests are forwarded only when listed in SAFE_REVERSE_REQUESTS (debugpy's
adapter draws the same security boundary: the adapter must not drive the editor beyond that);
they never pass through rooms. Responses to the proxy's own requests go to the waiting
coroutine. DAP specification: "Base Protocol" (reverse requests), "Events".
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import anyio
from anyio.abc import Process, SocketAttribute

from dap_proxy.proxy import network, nodelay
from dap_proxy.proxy.models import (
    DEFAULT_INITIALIZE,
    LaunchArguments,
    Phase,
    SessionMode,
    capability_changes,
)
from dap_proxy.proxy.seqmap import Origin, OwnRequest, SeqCounter, failed_response
from dap_proxy.wire.channel import ChannelClosed, MessageChannel
from dap_proxy.wire.framing import FrameError, Message

if TYPE_CHECKING:
    from dap_proxy.proxy.rooms import Room
    from dap_proxy.proxy.session import Session

SAFE_REVERSE_REQUESTS = frozenset({"runInTerminal", "startDebugging"})
CONNECT_TIMEOUT = 10.0  # seconds: TCP connect to a remote `debugpy --listen`
DISCONNECT_TIMEOUT = 1.5  # seconds: our own disconnect at shutdown
EXIT_GRACE = 0.25  # seconds: before closing the adapter's stdin after a disconnect
EXIT_TIMEOUT = 1.0  # seconds: adapter exit after stdin EOF, and again after each signal

Handler = Callable[[Message], Awaitable[None]]


class AdapterStartError(Exception):
    """The adapter could not be started or reached; the message is for a person."""


def _connect_failure(host: str, port: int, exc: BaseException) -> str:
    causes: list[BaseException] = [exc]
    if exc.__cause__ is not None:
        inner = exc.__cause__
        causes.extend(getattr(inner, "exceptions", [inner]))
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        reason = "connection refused"
    elif any(isinstance(cause, socket.gaierror) for cause in causes):
        reason = "unknown host"
    else:
        reason = str(exc) or type(exc).__name__
    return (
        f"could not connect to {host}:{port}: {reason} — is the program running under "
        f"`python -m debugpy --listen {host}:{port}`?"
    )


class AdapterSide:
    """The adapter peer: channel, seq numbers we send it, requests awaiting its response."""

    def __init__(
        self,
        session: Session,
        channel: MessageChannel,
        describe: str,
        process: Process | None = None,
    ) -> None:
        self.session = session
        self.channel = channel
        self.describe = describe
        self.process = process
        self.seq = SeqCounter()
        self.pending: dict[int, Origin] = {}
        self.mode = SessionMode.LAUNCH
        self.disconnect_sent = False
        self.lost = False
        self.terminated = False  # debugpy reported the end of debugging: its session is over
        self._handlers: dict[str, Handler | None] = {}

    # ------------------------------------------------------------------ starting
    @classmethod
    async def spawn(cls, session: Session) -> AdapterSide:
        try:
            argv = nodelay.adapter_command(sys.executable)
        except ValueError as exc:  # a bad SMART_DEBUG_ADAPTER_CMD override
            raise AdapterStartError(f"could not start the debug adapter: {exc}") from exc
        try:
            process = await anyio.open_process(
                argv,
                env=nodelay.adapter_env(os.environ),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,
                start_new_session=True,  # a Ctrl-C for the editor is not the adapter's
            )
        except OSError as exc:
            raise AdapterStartError(
                f"could not start debugpy's adapter ({argv[0]}): {exc}"
            ) from exc
        assert process.stdout is not None and process.stdin is not None
        channel = MessageChannel(process.stdout, process.stdin, name="debugpy's adapter")
        return cls(session, channel, f"debugpy's adapter (pid {process.pid})", process)

    @classmethod
    async def connect(cls, session: Session, host: str, port: int) -> AdapterSide:
        try:
            with anyio.fail_after(CONNECT_TIMEOUT):
                stream = await anyio.connect_tcp(host, port)
        except TimeoutError as exc:
            raise AdapterStartError(
                f"could not connect to {host}:{port}: no answer within {CONNECT_TIMEOUT:.0f}s — "
                f"is the program running under `python -m debugpy --listen {host}:{port}`?"
            ) from exc
        except OSError as exc:
            raise AdapterStartError(_connect_failure(host, port, exc)) from exc
        raw = stream.extra(SocketAttribute.raw_socket)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        network.keep_alive(raw)  # a vanished remote fails the link instead of hanging it
        if not network.is_loopback(str(stream.extra(SocketAttribute.remote_address)[0])):
            await session.editor.output(network.exposure_warning(host, port))
        channel = MessageChannel(stream, stream, name=f"the debugged program at {host}:{port}")
        return cls(session, channel, f"the debugged program at {host}:{port}")

    @classmethod
    async def open(
        cls, session: Session, mode: SessionMode, arguments: LaunchArguments
    ) -> AdapterSide:
        """Start (launch, attach listen/processId) or reach (attach connect) debugpy's adapter,
        start reading it, and replay the editor's `initialize` to it; capabilities that differ
        from what the editor was told go to the editor as a `capabilities` event."""
        if mode is SessionMode.ATTACH_CONNECT:
            assert arguments.connect is not None
            adapter = await cls.connect(session, arguments.connect.host, arguments.connect.port)
        else:
            adapter = await cls.spawn(session)
        adapter.mode = mode
        if session.log is not None:
            adapter.channel.tap = session.log.tap("adapter")
        session.adapter = adapter
        session.spawn(adapter.run)
        init = await session.request_adapter(
            "initialize", session.initialize_arguments or dict(DEFAULT_INITIALIZE)
        )
        if not init.get("success"):
            session.adapter = None
            await adapter.shutdown(terminate_debuggee=mode is SessionMode.LAUNCH)
            raise AdapterStartError(
                f"{adapter.describe} refused to initialize: {init.get('message')}"
            )
        changes = capability_changes(session.capabilities, init.get("body") or {})
        if changes:
            session.capabilities.update(changes)
            await session.send_event("capabilities", {"capabilities": changes})
        return adapter

    def launch_arguments(self, raw: dict[str, object]) -> dict[str, object]:
        """The launch/attach arguments as this adapter gets them: the editor's own, plus the
        TCP_NODELAY launcher settings when the proxy started the adapter."""
        if self.mode is SessionMode.ATTACH_CONNECT:
            return dict(raw)
        return nodelay.launch_arguments(dict(raw))

    # ------------------------------------------------------------------ sending
    async def send_request(self, message: Message, origin: Origin) -> None:
        """Renumber a request and remember where its response goes. Raises ChannelClosed."""
        seq = self.seq.next()
        self.pending[seq] = origin
        message["seq"] = seq
        try:
            await self.channel.send(message)
        except ChannelClosed:
            self.pending.pop(seq, None)
            raise

    async def send(self, message: Message) -> None:
        message["seq"] = self.seq.next()
        await self.channel.send(message)

    # ------------------------------------------------------------------ receiving
    async def run(self) -> None:
        """Read until the adapter goes away, then tell the session."""
        try:
            while True:
                item = await self.channel.receive()
                if isinstance(item, FrameError):
                    await self.session.editor.output(
                        f"smart-debug ignored a malformed message from {self.describe}: "
                        f"{item.message}",
                        "stderr",
                    )
                    continue
                await self.on_message(item)
        except ChannelClosed:
            pass
        finally:
            self.lost = True
            await self.session.adapter_lost(self)

    def forget(self, seq: int) -> None:
        """Stop waiting for the response to request `seq` (the proxy's own, timed out)."""
        self.pending.pop(seq, None)

    def _handler(self, name: str) -> Handler | None:
        try:
            return self._handlers[name]
        except KeyError:
            handler = getattr(self, name, None)
            if len(self._handlers) < 512:
                self._handlers[name] = handler
            return handler

    async def on_message(self, message: Message) -> None:
        kind = message["type"]
        if kind == "event":
            await self._deliver(message["event"] + "_event", message)
        elif kind == "response":
            origin = self.pending.pop(message.get("request_seq", -1), None)
            if isinstance(origin, tuple):
                message["request_seq"] = origin[0]
                await self._deliver(message["command"] + "_response", message)
            elif origin is not None:
                origin.resolve(message)
        elif kind == "request":
            await self.reverse_request(message)

    async def deliver(self, message: Message, after: Room | None = None) -> None:
        """An event, or a response to the editor's request, through the rooms (those after
        `after`) and on: what a room that held a message calls to let it go."""
        name = message["event"] + "_event" if message["type"] == "event" else None
        await self._deliver(name or message["command"] + "_response", message, after)

    async def _deliver(self, name: str, message: Message, after: Room | None = None) -> None:
        """Through the rooms, then this peer's handler for `name`, else to the editor."""
        passed = await self.session.rooms.through(name, message, self._room_failed, after)
        if passed is None:
            return
        handler = self._handler(name)
        if handler is None:
            await self.session.editor.send(passed)
        else:
            await handler(passed)

    async def _room_failed(self, room: Room, message: Message, exc: Exception) -> bool:
        what = message.get("event") or message.get("command")
        await self.session.editor.output(
            f"smart-debug: the {room.name} room failed on {what!r}: {exc or type(exc)}; "
            "the message went on unchanged by it"
        )
        return True

    async def reverse_request(self, message: Message) -> None:
        command = message["command"]
        if command in SAFE_REVERSE_REQUESTS:
            editor = self.session.editor
            adapter_seq = message["seq"]
            message["seq"] = seq = editor.seq.next()
            editor.reverse_pending[seq] = adapter_seq
            try:
                await editor.channel.send(message)
            except ChannelClosed:
                self.session.finish("the editor closed the connection")
            return
        await self.send(
            failed_response(
                message["seq"],
                command,
                f"smart-debug does not forward the reverse request {command!r} to the editor",
            )
        )

    def fail_pending(self, text: str) -> list[tuple[int, str]]:
        """Resolve the proxy's own waiting requests as failed; return the editor's ones."""
        editor_requests: list[tuple[int, str]] = []
        for seq, origin in self.pending.items():
            if isinstance(origin, OwnRequest):
                origin.resolve(failed_response(seq, origin.command, text))
            else:
                editor_requests.append(origin)
        self.pending.clear()
        return editor_requests

    # ------------------------------------------------------------------ handlers
    async def launch_response(self, message: Message) -> None:
        await self.session.editor.send(message)
        if message.get("success"):
            self.session.spawn(self.session.announce_ready)

    attach_response = launch_response

    async def disconnect_response(self, message: Message) -> None:
        self.session.advance(Phase.DISCONNECTED)
        await self.session.editor.send(message)
        # The session is over (DAP: disconnect ends it and shuts the adapter down). Do not wait
        # for the editor to close its side: on a `--port` server the next editor waits for this.
        self.session.finish("the editor disconnected")

    async def process_event(self, message: Message) -> None:
        pid = message.get("body", {}).get("systemProcessId")
        if isinstance(pid, int):
            self.session.debuggee_pid = pid
        await self.session.editor.send(message)

    async def terminated_event(self, message: Message) -> None:
        self.terminated = True
        self.session.advance(Phase.TERMINATED)
        await self.session.editor.send(message)

    async def exited_event(self, message: Message) -> None:
        self.session.advance(Phase.EXITED)
        await self.session.editor.send(message)

    # ------------------------------------------------------------------ stopping
    async def shutdown(self, terminate_debuggee: bool) -> None:
        """Leave no process behind: a polite disconnect, then wait, then terminate, then kill."""
        if not self.lost and not self.disconnect_sent and not self.channel.closed:
            self.disconnect_sent = True
            request = OwnRequest("disconnect")
            with anyio.move_on_after(DISCONNECT_TIMEOUT):
                try:
                    await self.send_request(
                        {
                            "type": "request",
                            "command": "disconnect",
                            "arguments": {"terminateDebuggee": terminate_debuggee},
                        },
                        request,
                    )
                    await request.done.wait()
                except ChannelClosed:
                    pass
        process = self.process
        if process is None:
            await self.channel.aclose()
            return
        # debugpy's adapter exits when its stdin closes, not after disconnect; closing it at the
        # very moment of the disconnect response, while it still ends its session, can make it
        # print harmless tracebacks, so it gets a short grace first, then EOF, then signals.
        # Once it has reported `terminated` its session is over: EOF at once.
        if not self.terminated:
            with anyio.move_on_after(EXIT_GRACE):
                await process.wait()
        await self.channel.aclose()
        with anyio.move_on_after(EXIT_TIMEOUT):
            await process.wait()
        for stop in (process.terminate, process.kill):
            if process.returncode is not None:
                break
            try:
                stop()
            except ProcessLookupError:
                break
            with anyio.move_on_after(EXIT_TIMEOUT):
                await process.wait()
        if process.returncode is None:  # pragma: no cover - SIGKILL did not land in time
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
