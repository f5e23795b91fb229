"""What a headless session is started with: a launch/attach configuration in launch.json's
shape (debugpy's own keys pass through unchanged, plus our `smartDebug` block), source
breakpoints, and the named timeouts every wait uses."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Timeouts(BaseModel):
    """Seconds. Each wait of the driver names one of these."""

    start: float = 60.0  # spawn the proxy, initialize, launch/attach answered
    request: float = 15.0  # one request's response (stackTrace, evaluate, smartDebug/*)
    close: float = 10.0  # disconnect answered and every process gone


class SourceBreakpoint(BaseModel):
    """A DAP `SourceBreakpoint` (what an editor sends in `setBreakpoints`)."""

    model_config = ConfigDict(populate_by_name=True)

    line: int = Field(ge=1)
    condition: str | None = None
    hit_condition: str | None = Field(default=None, alias="hitCondition")
    log_message: str | None = Field(default=None, alias="logMessage")

    def to_dap(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class LaunchConfig(BaseModel):
    """A launch.json entry for the `smart-debug` debug type. Keys not declared here (debugpy's
    `justMyCode`, `redirectOutput`, `subProcess`, ...) are kept and forwarded as they are."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    request: Literal["launch", "attach"] = "launch"
    program: str | None = None
    module: str | None = None
    args: list[str] = Field(default_factory=list)
    python: str | list[str] | None = None
    cwd: str | None = None
    env: dict[str, str] = Field(default_factory=dict)
    console: str = "internalConsole"
    just_my_code: bool | None = Field(default=None, alias="justMyCode")
    connect: dict[str, Any] | None = None
    listen: dict[str, Any] | None = None
    process_id: int | None = Field(default=None, alias="processId")
    path_mappings: list[dict[str, str]] = Field(default_factory=list, alias="pathMappings")
    smart_debug: dict[str, Any] | None = Field(default=None, alias="smartDebug")

    @model_validator(mode="after")
    def _one_target(self) -> LaunchConfig:
        if self.request == "launch" and bool(self.program) == bool(self.module):
            raise ValueError("a launch configuration needs exactly one of `program` or `module`")
        if self.request == "attach" and not (self.connect or self.listen or self.process_id):
            raise ValueError("an attach configuration needs `connect`, `listen` or `processId`")
        return self

    def arguments(self) -> dict[str, Any]:
        """The launch/attach request's arguments (unset keys left out)."""
        data = self.model_dump(by_alias=True, exclude_none=True, exclude={"request"})
        for key in ("args", "env", "pathMappings"):
            if not data.get(key):
                data.pop(key, None)
        if self.request == "attach":
            for key in ("args", "console"):
                data.pop(key, None)
        return data
