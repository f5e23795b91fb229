"""Declared tables of the proxy: launch/attach arguments, the session modes and lifecycle
phases, and debugpy 1.8.22's capabilities (answered to the editor's `initialize`). The
`smartDebug` block belongs to the live-session room (`dap_proxy.live.options`).

Validation happens once per session (launch/attach), never on the forwarding hot path.
DESIGN.md "Contracts" (launch config).
"""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SessionMode(str, Enum):
    """How the proxy reaches debugpy for this session."""

    LAUNCH = "launch"  # spawn debugpy's adapter on stdio, it launches the program
    ATTACH_CONNECT = "attach-connect"  # TCP to a program run with `debugpy --listen`
    ATTACH_LISTEN = "attach-listen"  # spawned adapter listens; program runs `debugpy --connect`
    ATTACH_PID = "attach-pid"  # spawned adapter injects into a running process


class Phase(IntEnum):
    """Where the session is in its life; it only moves forward (`Session.advance`)."""

    IDLE = 0  # no launch/attach yet
    STARTING = 1  # the adapter is being started or reached
    RUNNING = 2  # launch/attach went to the adapter
    EXITED = 3  # the adapter reported the debuggee's exit (`exited`)
    TERMINATED = 4  # the adapter reported the end of debugging (`terminated`)
    DISCONNECTING = 5  # the editor asked to disconnect and we forwarded it
    DISCONNECTED = 6  # the adapter answered that disconnect
    ENDED = 7  # the session is over; everything is being shut down


DEFAULT_INITIALIZE = {"clientID": "smart-debug", "adapterID": "debugpy"}


class Endpoint(BaseModel):
    """`connect` / `listen` of an attach configuration."""

    model_config = ConfigDict(extra="allow")

    host: str = "127.0.0.1"
    port: int = Field(ge=0, le=65535)


class LaunchArguments(BaseModel):
    """launch/attach arguments. Only the fields the proxy reads are declared; everything else
    (debugpy's, and the rooms' own keys such as `smartDebug`) passes through unchanged: the
    forwarded dict is the original as the rooms left it, not a re-serialisation of this model."""

    model_config = ConfigDict(extra="allow")

    program: str | None = None
    module: str | None = None
    python: str | list[str] | None = None
    console: str | None = None
    connect: Endpoint | None = None
    listen: Endpoint | None = None
    host: str | None = None  # legacy attach form of `connect`
    port: int | None = Field(default=None, ge=0, le=65535)
    processId: int | str | None = None
    pathMappings: list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _legacy_connect(self) -> LaunchArguments:
        if self.connect is None and self.port is not None and self.listen is None:
            self.connect = Endpoint(host=self.host or "127.0.0.1", port=self.port)
        return self

    def mode(self, request: str) -> SessionMode:
        if request == "launch":
            return SessionMode.LAUNCH
        if self.listen is not None:
            return SessionMode.ATTACH_LISTEN
        if self.processId is not None:
            return SessionMode.ATTACH_PID
        if self.connect is not None:
            return SessionMode.ATTACH_CONNECT
        raise ValueError(
            "attach needs `connect: {host, port}` (a program run with `python -m debugpy "
            "--listen`), `listen: {host, port}` or `processId`"
        )


class ExceptionFilter(BaseModel):
    filter: str
    label: str
    default: bool = False
    description: str | None = None


class DebugpyCapabilities(BaseModel):
    """What debugpy 1.8.22's adapter answers to `initialize` (measured). The proxy answers the
    editor with this table at once; the real answer, when it differs, follows as a DAP
    `capabilities` event."""

    supportsCompletionsRequest: bool = True
    supportsConditionalBreakpoints: bool = True
    supportsConfigurationDoneRequest: bool = True
    supportsDebuggerProperties: bool = True
    supportsDelayedStackTraceLoading: bool = True
    supportsEvaluateForHovers: bool = True
    supportsExceptionInfoRequest: bool = True
    supportsExceptionOptions: bool = True
    supportsFunctionBreakpoints: bool = True
    supportsHitConditionalBreakpoints: bool = True
    supportsLogPoints: bool = True
    supportsModulesRequest: bool = True
    supportsSetExpression: bool = True
    supportsSetVariable: bool = True
    supportsValueFormattingOptions: bool = True
    supportsTerminateDebuggee: bool = True
    supportsTerminateRequest: bool = True
    supportsGotoTargetsRequest: bool = True
    supportsClipboardContext: bool = True
    exceptionBreakpointFilters: list[ExceptionFilter] = Field(
        default_factory=lambda: [
            ExceptionFilter(
                filter="raised",
                label="Raised Exceptions",
                description="Break whenever any exception is raised.",
            ),
            ExceptionFilter(
                filter="uncaught",
                label="Uncaught Exceptions",
                default=True,
                description="Break when the process is exiting due to unhandled exception.",
            ),
            ExceptionFilter(
                filter="userUnhandled",
                label="User Uncaught Exceptions",
                description="Break when exception escapes into library code.",
            ),
        ]
    )
    supportsStepInTargetsRequest: bool = True

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def capability_changes(declared: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """Entries of the adapter's real capabilities that differ from what the editor was told."""
    return {key: value for key, value in actual.items() if declared.get(key) != value}
