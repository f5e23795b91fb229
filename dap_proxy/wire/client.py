"""A synchronous DAP client for tests, benchmarks and the demo (issue 2, "FIRST").

Wire level only: framing, seq numbering, request/response correlation, event collection and
reverse requests. It knows no DAP command semantics.

    client = DapClient.spawn([sys.executable, "-m", "dap_proxy"])   # or DapClient.connect(h, p)
    caps = client.request("initialize", {"adapterID": "x"}, check=True)["body"]
    seq = client.send_request("launch", {...})          # launch answers after configurationDone
    client.wait_event("initialized")
    client.request("configurationDone", check=True)
    client.wait_response(seq, check=True)
    stopped = client.wait_event("stopped")
    client.close()

Events: `client.events` is the list of every event received, in order. `wait_event(name)`
returns the next event of that name not yet returned by an earlier `wait_event(name)` call, so
an event that arrived before the call is never missed and two calls return two distinct events.
Pass `since=client.mark()` to only accept events that arrive after a given moment.

Reverse requests (e.g. `runInTerminal`): set `reverse_request_handler`, a callable receiving the
request dict and returning the response body (or raising to answer `success: false`). It runs on
its own thread, so it may itself call `request`. Without a handler the client refuses them.

Output floods: `output_budget` (bytes) bounds the program output (`stdout`/`stderr` output
events) kept in `events`; past it those events are counted in `dropped_output_bytes` and
dropped, so a program printing gigabytes cannot exhaust the client's memory.

`wait_until(check)` waits for any condition over `events` (e.g. "stopped or terminated").

Every wait has a timeout (default `DEFAULT_TIMEOUT`); failures raise `DapError` subclasses.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, BinaryIO, TypeVar

from dap_proxy.wire.framing import FrameDecoder, FrameError, Message, encode_message

DEFAULT_TIMEOUT = 30.0  # seconds: any single response or event from a debug adapter
CLOSE_TIMEOUT = 5.0  # seconds: a process gets this long to exit before it is killed
READ_CHUNK = 65536

ReverseRequestHandler = Callable[[Message], Mapping[str, Any] | None]
T = TypeVar("T")
PROGRAM_OUTPUT = frozenset({"stdout", "stderr"})


class DapError(Exception):
    """Base class for everything the client raises."""


class DapTimeout(DapError, TimeoutError):
    """A response or event did not arrive within the timeout."""


class DapConnectionClosed(DapError):
    """The peer closed the connection (or the process exited) before the awaited message."""


class DapRequestFailed(DapError):
    """A response with `success: false` when `check=True` was asked; `.response` holds it."""

    def __init__(self, response: Message) -> None:
        self.response = response
        super().__init__(
            f"request {response.get('command')!r} failed: {response.get('message') or response}"
        )


class DapClient:
    """One DAP connection. Thread-safe for sending; one reader thread receives."""

    def __init__(
        self,
        read: Callable[[int], bytes],
        write: Callable[[bytes], Any],
        close: Callable[[], None],
        *,
        process: subprocess.Popen[bytes] | None = None,
        name: str = "dap",
        output_budget: int | None = None,
    ) -> None:
        self._read = read
        self._write = write
        self._close_transport = close
        self.process = process
        self.name = name
        self.events: list[Message] = []
        self.messages: list[Message] = []  # everything received, in order (for troubleshooting)
        self.reverse_requests: list[Message] = []
        self.frame_errors: list[FrameError] = []
        self.stderr_lines: list[str] = []
        self.reverse_request_handler: ReverseRequestHandler | None = None
        self.output_budget = output_budget
        self.kept_output_bytes = 0
        self.dropped_output_bytes = 0
        self._responses: dict[int, Message] = {}
        self._cursors: dict[str, int] = {}
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._seq = 0
        self._closed = False
        self.disconnected = threading.Event()
        self._reader = threading.Thread(target=self._read_loop, name=f"{name}-reader", daemon=True)
        self._reader.start()

    # ----------------------------------------------------------------- constructors
    @classmethod
    def spawn(
        cls,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        capture_stderr: bool = True,
        new_session: bool = False,
        output_budget: int | None = None,
    ) -> DapClient:
        """Start `argv` and speak DAP over its stdin/stdout. stderr is collected in
        `stderr_lines` (or inherited when `capture_stderr=False`). `new_session` puts the
        process in its own session, so a terminal's Ctrl-C reaches only the caller, which
        then ends the debug session in order."""
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if capture_stderr else None,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            bufsize=0,
            start_new_session=new_session,
        )
        assert process.stdin is not None and process.stdout is not None
        stdin: BinaryIO = process.stdin  # type: ignore[assignment]
        stdout: BinaryIO = process.stdout  # type: ignore[assignment]

        def close() -> None:
            with contextlib.suppress(OSError):
                stdin.close()

        client = cls(
            stdout.read,
            stdin.write,
            close,
            process=process,
            name=f"dap-{process.pid}",
            output_budget=output_budget,
        )
        if capture_stderr and process.stderr is not None:
            threading.Thread(
                target=client._drain_stderr, args=(process.stderr,), daemon=True
            ).start()
        return client

    @classmethod
    def connect(
        cls,
        host: str,
        port: int,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        output_budget: int | None = None,
    ) -> DapClient:
        """Connect over TCP to a DAP server (e.g. `smart-debug dap --port N`)."""
        sock = socket.create_connection((host, port), timeout=timeout)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def close() -> None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

        return cls(
            sock.recv, sock.sendall, close, name=f"dap-{host}:{port}", output_budget=output_budget
        )

    # ----------------------------------------------------------------- sending
    def next_seq(self) -> int:
        with self._write_lock:
            self._seq += 1
            return self._seq

    def send(self, message: Message) -> int:
        """Send a message; `seq` is assigned when missing. Returns the seq."""
        with self._write_lock:
            if "seq" not in message:
                self._seq += 1
                message = {"seq": self._seq, **message}
            self._write(encode_message(message))
        return int(message["seq"])

    def send_raw(self, data: bytes) -> None:
        """Write bytes as they are (for tests of malformed frames)."""
        with self._write_lock:
            self._write(data)

    def send_request(self, command: str, arguments: Mapping[str, Any] | None = None) -> int:
        """Send a request without waiting; returns its seq for `wait_response`."""
        message: Message = {"type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = dict(arguments)
        return self.send(message)

    def request(
        self,
        command: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        check: bool = False,
    ) -> Message:
        """Send a request and return its response (raise `DapRequestFailed` if `check` and the
        response is not successful)."""
        seq = self.send_request(command, arguments)
        return self.wait_response(seq, timeout=timeout, check=check)

    # ----------------------------------------------------------------- waiting
    def wait_response(
        self, seq: int, *, timeout: float = DEFAULT_TIMEOUT, check: bool = False
    ) -> Message:
        """The response whose `request_seq` is `seq`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while seq not in self._responses:
                if self.disconnected.is_set():
                    raise DapConnectionClosed(
                        f"{self.name}: connection closed before the response to request {seq}"
                        f"{self._stderr_tail()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DapTimeout(
                        f"{self.name}: no response to request {seq} within {timeout:.0f}s"
                    )
                self._cond.wait(remaining)
            response = self._responses.pop(seq)
        if check and not response.get("success"):
            raise DapRequestFailed(response)
        return response

    def peek_response(self, seq: int) -> Message | None:
        """The response to request `seq` if it has arrived (left for `wait_response`)."""
        with self._cond:
            return self._responses.get(seq)

    def mark(self) -> int:
        """An index into `events`; pass it as `since` to accept only events arriving later."""
        with self._cond:
            return len(self.events)

    def wait_event(
        self,
        event: str,
        predicate: Callable[[Message], bool] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        since: int | None = None,
    ) -> Message:
        """The next `event` (matching `predicate`) after the last one this method returned for
        that name, or after index `since` in `events` when given."""
        deadline = time.monotonic() + timeout
        with self._cond:
            index = self._cursors.get(event, 0) if since is None else since
            while True:
                while index < len(self.events):
                    candidate = self.events[index]
                    index += 1
                    if candidate.get("event") == event and (
                        predicate is None or predicate(candidate)
                    ):
                        self._cursors[event] = index
                        return candidate
                if self.disconnected.is_set():
                    raise DapConnectionClosed(
                        f"{self.name}: connection closed while waiting for event {event!r}"
                        f"{self._stderr_tail()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({str(e.get("event")) for e in self.events})
                    raise DapTimeout(
                        f"{self.name}: no {event!r} event within {timeout:.0f}s "
                        f"(events seen: {', '.join(seen) or 'none'})"
                    )
                self._cond.wait(remaining)

    def wait_until(
        self, check: Callable[[list[Message]], T | None], *, timeout: float = DEFAULT_TIMEOUT
    ) -> T:
        """Call `check(events)` now and after each new message until it returns something other
        than None, and return that. `DapTimeout` after `timeout`; `DapConnectionClosed` when
        the peer is gone and `check` still answers None."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = check(self.events)
                if found is not None:
                    return found
                if self.disconnected.is_set():
                    raise DapConnectionClosed(
                        f"{self.name}: connection closed while waiting{self._stderr_tail()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DapTimeout(f"{self.name}: condition not met within {timeout:.1f}s")
                self._cond.wait(remaining)

    def wait_closed(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until the peer closes the connection."""
        if not self.disconnected.wait(timeout):
            raise DapTimeout(f"{self.name}: connection still open after {timeout:.0f}s")

    # ----------------------------------------------------------------- closing
    def close(self, timeout: float = CLOSE_TIMEOUT) -> int | None:
        """Close the connection; for a spawned process wait for it to exit (terminate, then
        kill, after `timeout`). Returns the process exit code (None for TCP)."""
        if not self._closed:
            self._closed = True
            self._close_transport()
        code = None
        if self.process is not None:
            try:
                code = self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    code = self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    code = self.process.wait()
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        self._reader.join(timeout)
        return code

    def __enter__(self) -> DapClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- reader side
    def _read_loop(self) -> None:
        decoder = FrameDecoder()
        try:
            while True:
                try:
                    data = self._read(READ_CHUNK)
                except (OSError, ValueError):
                    break
                if not data:
                    break
                for item in decoder.feed(data):
                    if isinstance(item, FrameError):
                        with self._cond:
                            self.frame_errors.append(item)
                    else:
                        self._dispatch(item)
        finally:
            with self._cond:
                self.disconnected.set()
                self._cond.notify_all()

    def _dispatch(self, message: Message) -> None:
        kind = message.get("type")
        if kind == "event" and self._over_budget(message):
            return
        with self._cond:
            self.messages.append(message)
            if kind == "response":
                self._responses[int(message.get("request_seq", -1))] = message
            elif kind == "event":
                self.events.append(message)
            elif kind == "request":
                self.reverse_requests.append(message)
            self._cond.notify_all()
        if kind == "request":
            threading.Thread(
                target=self._answer_reverse_request, args=(message,), daemon=True
            ).start()

    def _over_budget(self, message: Message) -> bool:
        """True for a program output event past `output_budget` (then only counted)."""
        if self.output_budget is None or message.get("event") != "output":
            return False
        body = message.get("body")
        if not isinstance(body, dict) or body.get("category") not in PROGRAM_OUTPUT:
            return False
        size = len(str(body.get("output", "")).encode("utf-8", "replace"))
        with self._cond:
            if self.kept_output_bytes + size <= self.output_budget:
                self.kept_output_bytes += size
                return False
            self.dropped_output_bytes += size
            self._cond.notify_all()
        return True

    def _answer_reverse_request(self, request: Message) -> None:
        handler = self.reverse_request_handler
        response: Message = {
            "type": "response",
            "request_seq": request["seq"],
            "command": request.get("command"),
            "success": True,
        }
        if handler is None:
            response["success"] = False
            response["message"] = f"this client does not handle {request.get('command')!r}"
        else:
            try:
                body = handler(request)
            except Exception as exc:  # the handler's failure is the peer's failed response
                response["success"] = False
                response["message"] = str(exc) or type(exc).__name__
            else:
                if body is not None:
                    response["body"] = dict(body)
        with contextlib.suppress(OSError, ValueError):
            self.send(response)

    def _drain_stderr(self, stream: BinaryIO) -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in iter(stream.readline, b""):
                self.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))
                del self.stderr_lines[:-200]  # keep the tail only

    def _stderr_tail(self) -> str:
        if not self.stderr_lines:
            return ""
        return "; stderr tail:\n" + "\n".join(self.stderr_lines[-15:])
