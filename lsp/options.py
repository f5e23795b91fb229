"""The language server's settings: the client's `initializationOptions` as a declared table with
defaults (STYLE.md 4). A bad entry is reported in words and falls back to its default; the good
entries around it are kept, so one typo never costs the user the rest of their settings.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_MAX_LENSES = 8  # annotated lines per file: more turns the editor into a wall of lenses
MAX_LENSES_LIMIT = 200
DEFAULT_LOCALIZE_BUDGET = 60.0  # seconds, as `smart-debug localize`
MAX_PASSES = 8  # validation rounds: each drops the entries the previous round found bad


class LensOptions(BaseModel):
    """Which kinds of code lens to show."""

    model_config = ConfigDict(extra="forbid")

    suggestions: bool = True  # suggested breakpoints and logpoints, with Accept / Dismiss
    hypotheses: bool = True  # hypotheses above the function they concern, with Show evidence


class LocalizeSettings(BaseModel):
    """How `smartDebug.localize` runs when its arguments do not say."""

    model_config = ConfigDict(extra="forbid")

    testCommand: list[str] | None = Field(default=None, min_length=1)
    python: str | None = None  # runs "the test under the cursor"; default: the server's own
    budget: float = Field(default=DEFAULT_LOCALIZE_BUDGET, gt=0, le=3600)


class ServerOptions(BaseModel):
    """`initializationOptions` of `smart-debug lsp` (all optional; camelCase as sent)."""

    model_config = ConfigDict(extra="forbid")

    lenses: LensOptions = Field(default_factory=LensOptions)
    maxLensesPerFile: int = Field(default=DEFAULT_MAX_LENSES, ge=0, le=MAX_LENSES_LIMIT)
    # The AI mode of work this server starts. Today that is localize, which is offline, so the
    # server sends nothing anywhere whatever the mode; "off" is the guarantee.
    ai: Literal["off", "anthropic"] = "off"
    # The folder whose `.smart-debug/` store is read and written (default: the workspace root);
    # files are recorded relative to it.
    storePath: str | None = None
    localize: LocalizeSettings = Field(default_factory=LocalizeSettings)


def read_options(raw: Any) -> tuple[ServerOptions, list[str]]:
    """The options, and one sentence per entry that was bad and replaced by its default."""
    if raw is None:
        return ServerOptions(), []
    if not isinstance(raw, dict):
        return ServerOptions(), [
            f"initializationOptions must be an object, got {type(raw).__name__}; "
            "using the defaults for every setting"
        ]
    data = copy.deepcopy(raw)
    problems: list[str] = []
    for _ in range(MAX_PASSES):
        try:
            return ServerOptions.model_validate(data), problems
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                shown = repr(error.get("input"))[:60]
                problems.append(
                    f"initializationOptions.{where}: {error['msg']} (got {shown}); "
                    "using its default"
                )
                _drop(data, error["loc"])
    return ServerOptions(), [*problems, "initializationOptions: using the defaults"]


def _drop(data: dict[str, Any], loc: tuple[int | str, ...]) -> None:
    """Remove the entry `loc` points into: the deepest key of a nested object on its path
    (an error inside a list drops the whole list)."""
    node: Any = data
    for depth, part in enumerate(loc):
        if not isinstance(node, dict) or part not in node:
            return
        child = node[part]
        if depth == len(loc) - 1 or not isinstance(child, dict):
            del node[part]
            return
        node = child
