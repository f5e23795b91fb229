"""How every MCP tool call is run: the engine works in a thread of its own within a time bound,
and what it returns is redacted (`dap_proxy.hypotheses.redaction`) before it leaves the process
as typed structured content. Tool modules use these pieces; none of them talks to the SDK's wire.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel

from dap_proxy.hypotheses.redaction import redact, redact_obj

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class ServerConfig(BaseModel):
    """What `smart-debug mcp` was started with."""

    workspace: Path  # the project every tool works on (absolute)
    timeout: float  # seconds: the longest any tool call may run
    max_sessions: int = 3  # live debug sessions an agent may have open at once
    allow_free_evaluate: bool = False  # `evaluate` runs any expression, not only safe ones


class EngineThreads:
    """The engines under way, each in a thread of its own, so a call can time out while its
    engine winds down, and the server can stop them all when it has to end at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[threading.Thread, threading.Event] = {}

    async def run(
        self, work: Callable[[threading.Event], T], *, seconds: float, what: str, advice: str
    ) -> T:
        """Run `work(stop)` in a thread and return its result, or raise a ToolError after
        `seconds`. `stop` is set as soon as the call ends (answered, timed out, or cancelled by
        the client); an engine that can end early watches it (localize kills its test processes),
        and every engine's own bounds end it otherwise. The thread is not a daemon: Python waits
        for it at exit, so an engine that owns processes and scratch folders always cleans up."""
        stop = threading.Event()
        outcome: list[tuple[bool, Any]] = []

        def body() -> None:
            try:
                outcome.append((True, work(stop)))
            except BaseException as exc:  # handed to the awaiting call, which raises it there
                outcome.append((False, exc))
            finally:
                with self._lock:
                    self._running.pop(thread, None)

        thread = threading.Thread(target=body, name=f"smart-debug mcp: {what}")
        with self._lock:
            self._running[thread] = stop
        thread.start()
        try:
            with anyio.fail_after(seconds):
                # Joined from a worker thread that may be abandoned: the call can time out or be
                # cancelled while the engine's thread winds down on its own.
                await anyio.to_thread.run_sync(thread.join, abandon_on_cancel=True)
        except TimeoutError:
            raise ToolError(f"{what} did not finish within {seconds:g} s; {advice}") from None
        finally:
            stop.set()
        ok, value = outcome[0]
        if isinstance(value, ToolError):  # its message leaves the process too
            raise ToolError(redact(str(value)).text) from None
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def stop_all(self, seconds: float) -> None:
        """Stop every engine and wait up to `seconds` in all for their threads to end."""
        with self._lock:
            running = list(self._running.items())
        for _, stop in running:
            stop.set()
        deadline = time.monotonic() + seconds
        for thread, _ in running:
            thread.join(max(0.0, deadline - time.monotonic()))


@dataclass
class ToolHost:
    """What a tool module's `register(host)` gets: the server to add its tools to, the
    configuration, `engines` to run its work in, and `closing`, where it pushes what must stop
    when the client disconnects (the server unwinds it as it shuts down)."""

    server: MCPServer
    config: ServerConfig
    engines: EngineThreads = field(default_factory=EngineThreads)
    closing: AsyncExitStack = field(default_factory=AsyncExitStack)


def tool(
    server: MCPServer, *, title: str, annotations: ToolAnnotations, name: str | None = None
) -> Callable[[F], F]:
    """`server.tool(...)` with the docstring as the description, in one paragraph (the
    indentation of a docstring is for people reading the code, not for the agent). `name`:
    when the tool's name cannot be the function's (`continue` is a Python keyword)."""

    def add(fn: F) -> F:
        description = " ".join((fn.__doc__ or "").split())
        server.add_tool(
            fn, name=name, title=title, description=description, annotations=annotations
        )
        return fn

    return add


def inside_workspace(workspace: Path, path: str, what: str) -> Path:
    """`path` (relative to the workspace, or absolute) resolved; a ToolError naming the argument
    `what` when it is outside the workspace (no tool reaches past the one it was started for)."""
    resolved = (workspace / path).resolve()
    if not resolved.is_relative_to(workspace):
        raise ToolError(
            f"`{what}` {path!r} is outside the workspace {workspace} the server was started for "
            "(--workspace)"
        )
    return resolved


def structured(payload: dict[str, object], env: Mapping[str, str] | None = None) -> CallToolResult:
    """A tool result whose structured content is `payload` with every secret redacted, and whose
    text is the same JSON (clients that read only text see everything too). The SDK validates
    the structured content against the tool's declared output model. `env`: the environment
    whose secret-named values are redacted wherever they appear (default: the server's own; a
    debug session adds its program's)."""
    clean = redact_obj(payload, env=env)
    text = json.dumps(clean, ensure_ascii=False, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=clean)
