"""One debug session: the editor side, the adapter side, and what the proxy does between them.

`initialize` arrives before launch/attach, when no adapter exists yet (we only learn from the
launch/attach arguments whether to spawn debugpy's adapter or to connect to a remote one). The
proxy therefore answers `initialize` itself from a declared table of debugpy 1.8.22's
capabilities (`DebugpyCapabilities`), so the editor is not kept waiting and does not depend on
timing; when launch/attach arrives it starts the adapter, replays the editor's own initialize
arguments to it (swallowing that response) and then forwards launch/attach. If the real
adapter's capabilities differ from the table (another debugpy version, a remote program), the
differences go to the editor as a standard DAP `capabilities` event. Holding `initialize`
unanswered instead would deadlock: the editor waits for its response before sending launch.

The proxy's own API for later work (editor never sees these requests' responses):
`await session.request_adapter(command, arguments)` and `await session.send_event(event, body)`.
Other rooms plug in without editing the peers: `session.on_editor_request("setBreakpoints", h)`
and `session.on_adapter_message("setBreakpoints_response", h)` (or `"<event>_event"`); a
handler gets the message (already renumbered for its destination's seq map) and decides what to
send: `session.forward_request(request)` for a request, `session.editor.send(message)` for a
response or event.
Issue 2 section 3; DESIGN.md "Contracts".
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import anyio
from anyio.abc import TaskGroup
from pydantic import ValidationError

from dap_proxy.proxy import nodelay
from dap_proxy.proxy.adapter import AdapterSide, AdapterStartError
from dap_proxy.proxy.editor import EditorSide
from dap_proxy.proxy.models import (
    DebugpyCapabilities,
    LaunchArguments,
    SessionMode,
    SmartDebugOptions,
    capability_changes,
)
from dap_proxy.proxy.seqmap import OwnRequest, failed_response
from dap_proxy.proxy.trafficlog import TrafficLog
from dap_proxy.wire.channel import ChannelClosed, MessageChannel
from dap_proxy.wire.framing import Message

REQUEST_TIMEOUT = 30.0  # seconds: the proxy's own requests to the adapter
READY_EVENT = "smartDebug/ready"
DEFAULT_INITIALIZE = {"clientID": "smart-debug", "adapterID": "debugpy"}

Handler = Callable[[Message], Awaitable[None]]


class Session:
    """Everything between one editor connection and one debugpy adapter."""

    def __init__(self, editor_channel: MessageChannel, log: TrafficLog | None = None) -> None:
        self.editor = EditorSide(self, editor_channel)
        self.adapter: AdapterSide | None = None
        self.log = log
        if log is not None:
            editor_channel.tap = log.tap("editor")
        self.capabilities = DebugpyCapabilities().body()
        self.initialize_arguments: dict[str, Any] | None = None
        self.mode: SessionMode | None = None
        self.launch_arguments: LaunchArguments | None = None
        self.options = SmartDebugOptions()
        self.debuggee_pid: int | None = None
        self.keep_debuggee = False
        self.disconnected = False  # the adapter answered a disconnect
        self.disconnect_requested = False
        self.terminated_sent = False
        self.exited_sent = False
        self.end_reason = ""
        self._done = anyio.Event()
        self._tg: TaskGroup | None = None
        self._adapter_handlers: dict[str, Handler] = {}

    # ------------------------------------------------------------------ running
    async def run(self) -> None:
        """Serve until the editor leaves or the adapter dies; then leave no process behind."""
        async with anyio.create_task_group() as tg:
            self._tg = tg
            tg.start_soon(self.editor.run)
            await self._done.wait()
            with anyio.CancelScope(shield=True):
                await self._shutdown()
            tg.cancel_scope.cancel()
        await self.editor.channel.aclose()

    def spawn(self, func: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Run a coroutine function alongside the session (never inline in a reader loop that
        would have to deliver its responses)."""
        assert self._tg is not None
        self._tg.start_soon(func)

    @property
    def ending(self) -> bool:
        """finish() was called: the session is shutting down or over."""
        return self._done.is_set()

    def finish(self, reason: str) -> None:
        if not self._done.is_set():
            self.end_reason = reason
            if self.log is not None:
                self.log.note(f"session ends: {reason}")
            self._done.set()

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

    # ------------------------------------------------------------------ public API
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
            return failed_response(message["seq"], command, f"no response within {timeout:.0f}s")
        return request.response

    async def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        """Send an event of the proxy's own to the editor (e.g. `smartDebug/hypotheses`)."""
        await self.editor.send_event(event, body)

    def on_editor_request(self, command: str, handler: Handler) -> None:
        """Serve requests `command` from the editor with `handler(request)` (a seam for other
        rooms, e.g. the breakpoints room merging its probes into setBreakpoints)."""
        self.editor.set_handler(command, handler)

    def on_adapter_message(self, name: str, handler: Handler) -> None:
        """Serve `<event>_event` or `<command>_response` from the adapter with `handler`."""
        self._adapter_handlers[name] = handler
        if self.adapter is not None:
            self.adapter.set_handler(name, handler)

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

    # ------------------------------------------------------------------ handlers' work
    async def answer_initialize(self, request: Message) -> None:
        arguments = request.get("arguments")
        self.initialize_arguments = arguments if isinstance(arguments, dict) else {}
        await self.editor.respond(request, self.capabilities)

    async def start(self, request: Message) -> None:
        """launch/attach: validate, start or reach the adapter, replay initialize, forward."""
        command = request["command"]
        raw = request.get("arguments")
        raw = raw if isinstance(raw, dict) else {}
        if self.adapter is not None:
            await self.editor.respond_error(request, "this session already has a debug target")
            return
        try:
            arguments = LaunchArguments.model_validate(raw)
            mode = arguments.mode(command)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or command}: {err['msg']}"
                for err in exc.errors()
            )
            await self.editor.respond_error(request, f"invalid {command} configuration: {problems}")
            return
        except ValueError as exc:
            await self.editor.respond_error(request, f"invalid {command} configuration: {exc}")
            return
        self.mode, self.launch_arguments, self.options = mode, arguments, arguments.smartDebug
        try:
            if mode is SessionMode.ATTACH_CONNECT:
                assert arguments.connect is not None
                target = arguments.connect
                adapter = await AdapterSide.connect(self, target.host, target.port)
            else:
                adapter = await AdapterSide.spawn(self)
        except AdapterStartError as exc:
            await self.editor.respond_error(request, str(exc))
            return
        if self.log is not None:
            adapter.channel.tap = self.log.tap("adapter")
        for name, handler in self._adapter_handlers.items():
            adapter.set_handler(name, handler)
        self.adapter = adapter
        self.spawn(adapter.run)
        init = await self.request_adapter(
            "initialize", self.initialize_arguments or dict(DEFAULT_INITIALIZE)
        )
        if not init.get("success"):
            await self.editor.respond_error(
                request, f"{adapter.describe} refused to initialize: {init.get('message')}"
            )
            return
        changes = capability_changes(self.capabilities, init.get("body") or {})
        if changes:
            self.capabilities.update(changes)
            await self.send_event("capabilities", {"capabilities": changes})
        forwarded = {key: value for key, value in raw.items() if key != "smartDebug"}
        if mode is not SessionMode.ATTACH_CONNECT:
            forwarded = nodelay.launch_arguments(forwarded)
        request["arguments"] = forwarded
        await self.forward_request(request)

    async def disconnect(self, request: Message) -> None:
        self.disconnect_requested = True
        arguments = request.get("arguments")
        if isinstance(arguments, dict) and arguments.get("terminateDebuggee") is False:
            self.keep_debuggee = True  # the user detaches from a launched program on purpose
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
        end normally, tell the editor (output, terminated, exited) and end the proxy."""
        process = adapter.process
        if process is not None and process.returncode is None:
            with anyio.move_on_after(0.5):
                await process.wait()
        ended_normally = (
            self.disconnect_requested
            or self.terminated_sent
            or adapter.disconnect_sent
            or self._done.is_set()
        )
        text = (
            f"{adapter.describe} closed the connection"
            if process is None
            else f"{adapter.describe} exited (exit code {process.returncode})"
        )
        for seq, command in adapter.fail_pending(f"{text} before answering"):
            await self.editor.send(failed_response(seq, command, f"{text} before answering"))
        if ended_normally:
            if self.disconnected:
                self.finish("the adapter ended after disconnect")
            return
        await self.editor.output(f"smart-debug: {text} unexpectedly; the debug session has ended.")
        if not self.terminated_sent:
            self.terminated_sent = True
            await self.editor.send_event("terminated")
        if not self.exited_sent:
            self.exited_sent = True
            code = process.returncode if process is not None and process.returncode else 1
            await self.editor.send_event("exited", {"exitCode": code})
        self.finish(f"{text} unexpectedly")
