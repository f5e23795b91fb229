"""The extension's settings for the language server match `lsp/options.py`: every option of
`ServerOptions` is the setting `smartDebug.<its path>` in editor-client/package.json, with the
server's default, type and bounds, so VS Code's settings editor checks what the server will check
and a setting left at its default means the server's default. (The extension's unit tests send
the options it builds to the real `read_options`.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from lsp.options import ServerOptions

PACKAGE = Path(__file__).resolve().parents[2] / "editor-client" / "package.json"
SETTINGS = json.loads(PACKAGE.read_text())["contributes"]["configuration"]["properties"]
# Options with no setting, and why.
NOT_SETTINGS = {
    # The sessions and the extension's own localize use the workspace folder's store; a setting
    # that moved only the language server's would show lenses from another store than theirs.
    "storePath",
}
# Options whose setting is spelled differently, with the reason the client converts it.
AS_TEXT = {
    "localize.testCommand",  # shell words in the setting; the client splits them into the list
    "localize.python",  # a path; empty means the server's default (its own interpreter)
}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "enum", "type")


def leaf_options(model: type[BaseModel], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Each leaf option's dotted path and its JSON schema (defaults included)."""
    schema = model.model_json_schema()
    found: dict[str, dict[str, Any]] = {}
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.update(leaf_options(annotation, f"{path}."))
        else:
            found[path] = schema["properties"][name]
    return found


OPTIONS = leaf_options(ServerOptions)


def test_every_option_has_its_setting_and_every_lens_setting_is_an_option() -> None:
    expected = {f"smartDebug.{path}" for path in OPTIONS if path not in NOT_SETTINGS}
    assert expected <= set(SETTINGS)
    # No setting is named like an option the server does not have (it would be refused).
    server_like = {
        key for key in SETTINGS if key.startswith(("smartDebug.lenses", "smartDebug.max"))
    }
    assert server_like <= expected


@pytest.mark.parametrize("path", sorted(set(OPTIONS) - NOT_SETTINGS - AS_TEXT))
def test_the_setting_has_the_servers_default_and_bounds(path: str) -> None:
    option, setting = OPTIONS[path], SETTINGS[f"smartDebug.{path}"]
    assert setting["default"] == option["default"]
    for key in BOUNDS:
        assert setting.get(key) == option.get(key), key


@pytest.mark.parametrize("path", sorted(AS_TEXT))
def test_options_given_as_text_default_to_nothing(path: str) -> None:
    assert OPTIONS[path]["default"] is None
    assert SETTINGS[f"smartDebug.{path}"]["type"] == "string"
    assert SETTINGS[f"smartDebug.{path}"]["default"] == ""
