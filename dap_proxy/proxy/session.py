"""One debug session: the editor side, the adapter side, the rooms, and one lifecycle state.

`initialize` arrives before launch/attach, when no adapter exists yet (we only learn from the
launch/attach arguments whether to spawn debugpy's adapter or to connect to a remote one). The
proxy therefore answers `initialize` itself from a declared table of debugpy 1.8.22's
capabilities (`DebugpyCapabilities`), so the editor is not kept waiting and does not depend on
timing; when launch/attach arrives the adapter peer starts or reaches the adapter, replays the
editor's own initialize arguments to it (swallowing that response), and the session forwards
launch/attach. If the real adapter's capabilities differ from the table (another debugpy
version, a remote program), the differences go to the editor as a standard DAP `capabilities`
event. Holding `initialize` unanswered instead would deadlock: the editor waits for its response
before sending launch.

What the proxy offers its rooms (`dap_proxy.proxy.rooms`): `await session.request_adapter(command,
arguments)` (a request of the proxy's own; the editor never sees it or its response),
`await session.send_event(event, body)`, `await session.send_to_editor(message)`,
`await session.forward_request(request)` (an editor request to the adapter, past the rooms),
`await session.resume(room, message)` (a message the room held goes on past it),
`await session.respond(request, body)` / `respond_error(request, text)`, `await session.output(text)`, `session.spawn(coroutine_function)`, and what the session knows:
`phase`, `mode`, `launch_arguments`, `initialize_arguments`, `capabilities`.
DAP specification: "Base Protocol", "Requests: Initialize, Launch, Attach, Disconnect".
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import anyio
from anyio.abc import TaskGroup
from pydantic import ValidationError

from dap_proxy.proxy.adapter import AdapterSide, AdapterStartError
from dap_proxy.proxy.editor import EditorSide
from dap_proxy.proxy.models import DebugpyCapabilities, LaunchArguments, Phase, SessionMode
from dap_proxy.proxy.rooms import Room, RoomChain
from dap_proxy.proxy.seqmap import OwnRequest, failed_response
from dap_proxy.proxy.trafficlog import TrafficLog
from dap_proxy.wire.channel import ChannelClosed, MessageChannel
from dap_proxy.wire.framing import Message

REQUEST_TIMEOUT = 30.0  # seconds: the proxy's own requests to the adapter
READY_EVENT = "smartDebug/ready"


class Session:
    """Everything between one editor connection and one debugpy adapter."""

    def __init__(
        self,
        editor_channel: MessageChannel,
        log: TrafficLog | None = None,
        rooms: Sequence[Room] = (),
    ) -> None:
        self.editor = EditorSide(self, editor_channel)
        self.adapter: AdapterSide | None = None
        self.log = log
        if log is not None:
            editor_channel.tap = log.tap("editor")
        self.rooms = RoomChain(rooms)
        for room in self.rooms.rooms:
            room.bind(self)
        self.capabilities = DebugpyCapabilities().body()
        self.initialize_arguments: dict[str, Any] | None = None
        self.mode: SessionMode | None = None
        self.launch_arguments: LaunchArguments | None = None
        self.phase = Phase.IDLE
        self.debuggee_pid: int | None = None
        self.keep_debuggee = False  # the user detached from a launched program on purpose
        self.end_reason = ""
        self._done = anyio.Event()
        self._tg: TaskGroup | None = None

    # ------------------------------------------------------------------ running
    async def run(self) -> None:
        """Serve until the editor leaves or the adapter dies; then leave no process behind."""
        async with anyio.create_task_group() as tg:
            self._tg = tg
            tg.start_soon(self.editor.run)
            await self._done.wait()
            with anyio.CancelScope(shield=True):
                await self.rooms.each("ended", self._room_hook_failed)
                await self._shutdown()
            tg.cancel_scope.cancel()
        await self.editor.channel.aclose()

    def spawn(self, func: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Run a coroutine function alongside the session (never inline in a reader loop that
        would have to deliver its responses)."""
        assert self._tg is not None
        self._tg.start_soon(func)

    def advance(self, phase: Phase) -> None:
        self.phase = max(self.phase, phase)

    def finish(self, reason: str) -> None:
        if not self._done.is_set():
            self.advance(Phase.ENDED)
            self.end_reason = reason
            if self.log is not None:
                self.log.note(f"session ends: {reason}")
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def enable_trace(self, log: TrafficLog) -> None:
        """Turn the traffic log on for the rest of this session (launch config `trace: true`)."""
        self.log = log
        self.editor.channel.tap = log.tap("editor")
        if self.adapter is not None:
            self.adapter.channel.tap = log.tap("adapter")

    async def _shutdown(self) -> None:
        adapter = self.adapter
        if adapter is not None:
            launched = self.mode is SessionMode.LAUNCH
            await adapter.shutdown(terminate_debuggee=launched)
            if launched:
                self._reap_debuggee()

    def _reap_debuggee(self) -> None:
        """The launched program must not outlive the session (debugpy normally sees to it)."""
        pid = self.debuggee_pid
        if pid is None or self.keep_debuggee:
            return
        with contextlib.suppress(OSError):  # already gone: the usual case
            os.kill(pid, signal.SIGKILL)

    async def _room_hook_failed(self, room: Room, exc: Exception) -> None:
        await self.output(f"smart-debug: the {room.name} room failed: {exc or type(exc)}")

    # ------------------------------------------------------------------ the rooms' API
    async def request_adapter(
        self,
        command: str,
        arguments: dict[str, Any] | None = None,
        timeout: float = REQUEST_TIMEOUT,
    ) -> Message:
        """Send a request of the proxy's own to the adapter and return its response; the editor
        never sees it. Failures (no adapter, adapter gone, timeout) are failed responses."""
        adapter = self.adapter
        if adapter is None or adapter.lost:
            return failed_response(0, command, "no debug adapter is running")
        message: Message = {"type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        request = OwnRequest(command)
        try:
            await adapter.send_request(message, request)
        except ChannelClosed as exc:
            return failed_response(0, command, str(exc))
        with anyio.move_on_after(timeout):
            await request.done.wait()
        if request.response is None:
            adapter.forget(message["seq"])
            return failed_response(message["seq"], command, f"no response within {timeout:.0f}s")
        return request.response

    async def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        """Send an event of the proxy's own to the editor (e.g. `smartDebug/hypotheses`)."""
        await self.editor.send_event(event, body)

    async def resume(self, room: Room, message: Message) -> None:
        """Let a message that `room` consumed go on through the rooms after it and on to its
        destination: an editor request to the adapter, an adapter event or response to the
        editor."""
        if message["type"] == "request":
            await self.editor.dispatch(message, after=room)
        elif self.adapter is not None:
            await self.adapter.deliver(message, after=room)
        else:
            await self.editor.send(message)

    async def send_to_editor(self, message: Message) -> None:
        """A response or event to the editor, renumbered (e.g. one a room held back)."""
        await self.editor.send(message)

    async def respond(self, request: Message, body: dict[str, Any] | None = None) -> None:
        """Answer an editor request (one a room consumed) with success."""
        await self.editor.respond(request, body)

    async def respond_error(self, request: Message, text: str) -> None:
        """Answer an editor request with `success: false` and a message for a person."""
        await self.editor.respond_error(request, text)

    async def output(self, text: str, category: str = "console") -> None:
        await self.editor.output(text, category)

    # ------------------------------------------------------------------ forwarding
    async def forward_request(self, message: Message) -> None:
        """Editor request -> adapter, renumbered; answered with a failure if impossible."""
        adapter = self.adapter
        if adapter is None or adapter.lost:
            await self.editor.respond_error(message, self._no_adapter_text())
            return
        origin = (message["seq"], message["command"])
        try:
            await adapter.send_request(message, origin)
        except ChannelClosed:
            await self.editor.send(
                failed_response(origin[0], origin[1], f"{adapter.describe} is gone")
            )

    async def forward_reverse_response(self, message: Message) -> None:
        """Editor's response to a reverse request -> adapter, with the adapter's own seq."""
        adapter_seq = self.editor.reverse_pending.pop(message.get("request_seq", -1), None)
        adapter = self.adapter
        if adapter_seq is None or adapter is None or adapter.lost:
            return
        message["request_seq"] = adapter_seq
        with contextlib.suppress(ChannelClosed):
            await adapter.send(message)

    def _no_adapter_text(self) -> str:
        if self.adapter is not None:
            return "the debug session has ended"
        return "no debug session yet: send `launch` or `attach` first"

    # ------------------------------------------------------------------ the peers' work
    async def answer_initialize(self, request: Message) -> None:
        arguments = request.get("arguments")
        self.initialize_arguments = arguments if isinstance(arguments, dict) else {}
        await self.editor.respond(request, self.capabilities)

    async def start(self, request: Message) -> None:
        """launch/attach: validate, let the adapter peer start or reach debugpy, forward."""
        command = request["command"]
        raw = request.get("arguments")
        raw = raw if isinstance(raw, dict) else {}
        if self.phase is not Phase.IDLE:
            await self.editor.respond_error(request, "this session already has a debug target")
            return
        try:
            arguments = LaunchArguments.model_validate(raw)
            mode = arguments.mode(command)
        except ValidationError as exc:
            await self.editor.respond_error(
                request, f"invalid {command} configuration: {validation_problems(exc, command)}"
            )
            return
        except ValueError as exc:
            await self.editor.respond_error(request, f"invalid {command} configuration: {exc}")
            return
        self.mode, self.launch_arguments = mode, arguments
        self.advance(Phase.STARTING)
        try:
            self.adapter = await AdapterSide.open(self, mode, arguments)
        except AdapterStartError as exc:
            self.phase = Phase.IDLE  # nothing started: the editor may try another target
            await self.editor.respond_error(request, str(exc))
            return
        request["arguments"] = self.adapter.launch_arguments(raw)
        self.advance(Phase.RUNNING)
        await self.forward_request(request)
        await self.rooms.each("started", self._room_hook_failed)

    async def disconnect(self, request: Message) -> None:
        self.advance(Phase.DISCONNECTING)
        arguments = request.get("arguments")
        if isinstance(arguments, dict) and arguments.get("terminateDebuggee") is False:
            self.keep_debuggee = True
        adapter = self.adapter
        if adapter is None or adapter.lost:
            await self.editor.respond(request)
            self.finish("the editor disconnected")
            return
        adapter.disconnect_sent = True
        await self.forward_request(request)

    async def announce_ready(self) -> None:
        """The proxy's own probe once the target runs: how many threads, then `ready`."""
        response = await self.request_adapter("threads")
        threads = response.get("body", {}).get("threads", []) if response.get("success") else []
        body: dict[str, Any] = {
            "mode": self.mode.value if self.mode else None,
            "threads": len(threads),
        }
        if not response.get("success"):
            body["error"] = response.get("message")
        await self.send_event(READY_EVENT, body)

    async def adapter_lost(self, adapter: AdapterSide) -> None:
        """The adapter closed its side: answer what it left unanswered; if the session did not
        end normally, tell the editor (output, exited, terminated) and end the proxy."""
        process = adapter.process
        if process is not None and process.returncode is None:
            with anyio.move_on_after(0.5):
                await process.wait()
        ended_normally = (
            self.phase >= Phase.TERMINATED or adapter.disconnect_sent or self._done.is_set()
        )
        text = (
            f"{adapter.describe} closed the connection"
            if process is None
            else f"{adapter.describe} exited (exit code {process.returncode})"
        )
        for seq, command in adapter.fail_pending(f"{text} before answering"):
            await self.editor.send(failed_response(seq, command, f"{text} before answering"))
        if ended_normally:
            if self.phase >= Phase.DISCONNECTED:
                self.finish("the adapter ended after disconnect")
            return
        await self.editor.output(f"smart-debug: {text} unexpectedly; the debug session has ended.")
        if self.phase < Phase.EXITED:
            code = process.returncode if process is not None and process.returncode else 1
            await self.editor.send_event("exited", {"exitCode": code})
        await self.editor.send_event("terminated")
        self.advance(Phase.TERMINATED)
        self.finish(f"{text} unexpectedly")


def validation_problems(exc: ValidationError, where: str) -> str:
    """pydantic's errors as one line a person reads: `path.to.field: what is wrong; ...`."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or where}: {err['msg']}" for err in exc.errors()
    )
