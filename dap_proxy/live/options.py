"""What the live session reads from a launch/attach configuration: our `smartDebug` block, and
the keys of the brief's own "Smart Debug Session" example (`logpoints`, `breakpoints`,
`skipFiles`, `smartStep`, `trace`), accepted at the top level and inside `smartDebug`.

`read_config` returns the options, the user's declared probes, the arguments as debugpy must get
them (our keys removed, `skipFiles` as debugpy `rules`, `smartStep` as `justMyCode`, `envFile`'s
variables under `env`) and one
readable problem per bad entry: a bad probe entry is skipped with a message and the session still
starts; a bad `smartDebug` scalar (e.g. `ai: "openai"`) fails launch/attach, because running
with a setting the user did not ask for would be worse.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .envfile import read_env_file

DEFAULT_AUTO_LOGPOINTS = 5
DEFAULT_MAX_PROBE_HITS = 100
BRIEF_KEYS = ("logpoints", "breakpoints", "skipFiles", "smartStep", "trace")
# Keys debugpy does not know that the live session turns into ones it does.
TRANSLATED_KEYS = ("envFile",)


class LogpointSpec(BaseModel):
    """`logpoints: [{file, line, message}]`: the user's own logpoint (DAP `{expr}` syntax)."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(min_length=1)
    line: int = Field(ge=1)
    message: str = Field(min_length=1)


class BreakpointSpec(BaseModel):
    """`breakpoints: [{file, line, condition?, hitCondition?}]`: the user's own breakpoint."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(min_length=1)
    line: int = Field(ge=1)
    condition: str | None = None
    hitCondition: str | None = None


class SmartDebugOptions(BaseModel):
    """Our own block of the launch config (DESIGN.md "Contracts"); never forwarded to debugpy."""

    model_config = ConfigDict(extra="forbid")

    autoLogpoints: int = Field(default=DEFAULT_AUTO_LOGPOINTS, ge=0, le=50)
    ai: Literal["off", "anthropic"] = "off"
    issue: str = ""
    traceback: str = ""  # a path to a file holding the failure output, or that output itself
    showProbeOutput: bool = True  # injected probes' values in the Debug Console, labelled
    maxProbeHits: int = Field(default=DEFAULT_MAX_PROBE_HITS, ge=1, le=1_000_000)
    workspace: str | None = None  # where the store lives; default: `cwd`, else the program's folder
    session: int | None = Field(default=None, ge=1)  # test the hypotheses of this store session
    # The brief's keys may also sit here; they are read like the top-level ones.
    logpoints: list[Any] = Field(default_factory=list)
    breakpoints: list[Any] = Field(default_factory=list)
    skipFiles: list[Any] = Field(default_factory=list)
    smartStep: bool | None = None
    trace: bool | None = None


class LiveConfig(BaseModel):
    """Everything `read_config` found, ready for the live session and the breakpoints room."""

    options: SmartDebugOptions = Field(default_factory=SmartDebugOptions)
    logpoints: list[LogpointSpec] = Field(default_factory=list)
    breakpoints: list[BreakpointSpec] = Field(default_factory=list)
    trace: bool = False
    problems: list[str] = Field(default_factory=list)  # one line per bad entry, for the user


class ConfigError(ValueError):
    """The `smartDebug` block itself is invalid; the message names the bad key."""


def _entries(model: type[BaseModel], key: str, raw: Any, problems: list[str]) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(f"`{key}` must be a list of entries, got {type(raw).__name__}; ignored")
        return []
    good = []
    for index, entry in enumerate(raw):
        try:
            good.append(model.model_validate(entry))
        except ValidationError as exc:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors()
            )
            problems.append(f"`{key}[{index}]` ({entry!r:.80}) skipped: {detail}")
    return good


def _skip_rules(patterns: list[Any], problems: list[str]) -> list[dict[str, Any]]:
    rules = []
    for index, pattern in enumerate(patterns):
        if isinstance(pattern, str) and pattern.strip():
            rules.append({"path": pattern, "include": False})
        else:
            problems.append(f"`skipFiles[{index}]` ({pattern!r:.80}) skipped: not a glob string")
    return rules


def read_config(arguments: dict[str, Any]) -> tuple[LiveConfig, dict[str, Any]]:
    """Split launch/attach arguments into our configuration and what debugpy gets.
    Raises ConfigError when the `smartDebug` block is not valid."""
    block = arguments.get("smartDebug", {})
    if block is None:
        block = {}
    if not isinstance(block, dict):
        raise ConfigError(f"smartDebug: must be an object, got {type(block).__name__}")
    try:
        options = SmartDebugOptions.model_validate(block)
    except ValidationError as exc:
        raise ConfigError(
            "; ".join(
                f"smartDebug.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            )
        ) from exc
    problems: list[str] = []
    forwarded = {
        k: v
        for k, v in arguments.items()
        if k != "smartDebug" and k not in BRIEF_KEYS and k not in TRANSLATED_KEYS
    }

    def both(key: str) -> list[Any]:
        top = arguments.get(key)
        inner = getattr(options, key)
        merged: list[Any] = []
        for value in (top, inner):
            if isinstance(value, list):
                merged.extend(value)
            elif value is not None:
                problems.append(f"`{key}` must be a list, got {type(value).__name__}; ignored")
        return merged

    logpoints = _entries(LogpointSpec, "logpoints", both("logpoints"), problems)
    breakpoints = _entries(BreakpointSpec, "breakpoints", both("breakpoints"), problems)
    rules = _skip_rules(both("skipFiles"), problems)
    if rules:
        forwarded["rules"] = [*forwarded.get("rules", []), *rules]
    from_file = read_env_file(arguments, problems)
    env = forwarded.get("env")
    if from_file is not None and (env is None or isinstance(env, dict)):
        forwarded["env"] = {**from_file, **(env or {})}
    smart_step = arguments.get("smartStep", options.smartStep)
    if isinstance(smart_step, bool):
        if smart_step and "justMyCode" not in forwarded:
            forwarded["justMyCode"] = True
    elif smart_step is not None:
        problems.append(f"`smartStep` must be true or false, got {smart_step!r:.40}; ignored")
    trace = arguments.get("trace", options.trace)
    if trace is not None and not isinstance(trace, bool):
        problems.append(f"`trace` must be true or false, got {trace!r:.40}; ignored")
        trace = None
    config = LiveConfig(
        options=options,
        logpoints=logpoints,
        breakpoints=breakpoints,
        trace=bool(trace),
        problems=problems,
    )
    return config, forwarded
