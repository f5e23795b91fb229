"""launch-templates/ mirror editor-client/package.json's debugger contribution: one template per
configuration snippet, identical once the snippet escapes are undone, each valid against the
contributed configurationAttributes schema (as VS Code checks launch.json) and accepted by the
proxy's own launch-argument table."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from dap_proxy.live.options import SmartDebugOptions, read_config
from dap_proxy.proxy.models import LaunchArguments, SessionMode
from tests.launch_templates import TEMPLATES, load_template, template_lines

PACKAGE = Path(__file__).resolve().parents[2] / "editor-client" / "package.json"
DEBUGGER = json.loads(PACKAGE.read_text())["contributes"]["debuggers"][0]
NAMES = sorted(path.stem for path in TEMPLATES.glob("*.json"))
# Keys VS Code itself adds to every debug configuration's schema.
COMMON_KEYS = {"name", "type", "request"}


def unescape(value: Any) -> Any:
    """A snippet body as launch.json gets it: `^"\\${file}"` is inserted as `"${file}"`."""
    if isinstance(value, str):
        raw = re.fullmatch(r'\^"(.*)"', value)
        return raw.group(1).replace("\\$", "$") if raw else value
    if isinstance(value, list):
        return [unescape(item) for item in value]
    if isinstance(value, dict):
        return {key: unescape(item) for key, item in value.items()}
    return value


def test_one_template_per_snippet_and_identical() -> None:
    snippets = {
        snippet["body"]["name"]: unescape(snippet["body"])
        for snippet in DEBUGGER["configurationSnippets"]
    }
    templates = {load_template(name)["name"]: load_template(name) for name in NAMES}
    assert len(NAMES) == len(DEBUGGER["configurationSnippets"]) == 6
    assert templates == snippets


def test_variables_in_snippets_are_escaped_so_vscode_inserts_them_literally() -> None:
    text = json.dumps([snippet["body"] for snippet in DEBUGGER["configurationSnippets"]])
    assert "${" not in text.replace("\\\\${", "")


def test_initial_configuration_is_the_current_file_template() -> None:
    assert DEBUGGER["initialConfigurations"] == [load_template("current-file")]


@pytest.mark.parametrize("name", NAMES)
def test_each_template_is_explained_by_one_comment_line(name: str) -> None:
    comments, body = template_lines(TEMPLATES / f"{name}.json")
    assert len(comments) == 1 and len(comments[0]) > 40, comments
    assert (TEMPLATES / f"{name}.json").read_text().startswith("// ")
    assert json.loads(body)["version"] == "0.2.0"


def schema_for(request: str) -> dict[str, Any]:
    attributes = DEBUGGER["configurationAttributes"][request]
    properties = {**attributes["properties"], **{key: {"type": "string"} for key in COMMON_KEYS}}
    return {"type": "object", "properties": properties, "additionalProperties": False}


@pytest.mark.parametrize("name", NAMES)
def test_each_template_is_valid_for_the_schema_and_for_the_proxy(name: str) -> None:
    configuration = load_template(name)
    assert configuration["type"] == "smart-debug"
    errors = [
        error.message
        for error in Draft7Validator(schema_for(configuration["request"])).iter_errors(
            configuration
        )
    ]
    assert errors == []
    arguments = LaunchArguments.model_validate(
        {k: v for k, v in configuration.items() if k not in COMMON_KEYS}
    )
    mode = arguments.mode(configuration["request"])
    expected = {
        "remote-attach": SessionMode.ATTACH_CONNECT,
        "attach-process": SessionMode.ATTACH_PID,
        "listen": SessionMode.ATTACH_LISTEN,
    }.get(name, SessionMode.LAUNCH)
    assert mode == expected


def test_the_schema_refuses_mistakes_vscode_should_flag() -> None:
    launch = Draft7Validator(schema_for("launch"))
    assert not launch.is_valid(
        {"name": "x", "type": "smart-debug", "request": "launch", "programm": "a.py"}
    )
    assert not launch.is_valid(
        {"name": "x", "type": "smart-debug", "request": "launch", "smartDebug": {"ai": "gpt"}}
    )
    assert not launch.is_valid(
        {
            "name": "x",
            "type": "smart-debug",
            "request": "launch",
            "logpoints": [{"file": "a.py", "line": 0, "message": "m"}],
        }
    )
    attach = Draft7Validator(schema_for("attach"))
    assert not attach.is_valid(
        {"name": "x", "type": "smart-debug", "request": "attach", "connect": {"host": "h"}}
    )


def test_launch_and_attach_describe_their_shared_keys_the_same_way() -> None:
    launch = DEBUGGER["configurationAttributes"]["launch"]["properties"]
    attach = DEBUGGER["configurationAttributes"]["attach"]["properties"]
    shared = set(launch) & set(attach)
    assert {
        "smartDebug",
        "logpoints",
        "breakpoints",
        "skipFiles",
        "smartStep",
        "trace",
        "justMyCode",
    } <= shared
    assert {key: launch[key] for key in shared} == {key: attach[key] for key in shared}


def test_the_smart_debug_block_has_exactly_the_options_the_live_session_reads() -> None:
    block = DEBUGGER["configurationAttributes"]["launch"]["properties"]["smartDebug"]
    assert block["additionalProperties"] is False  # the proxy refuses unknown keys too
    assert set(block["properties"]) == set(SmartDebugOptions.model_fields)


def test_a_configuration_using_every_key_of_ours_is_valid_for_the_schema_and_the_live_session() -> (
    None
):
    configuration = {
        **load_template("current-file"),
        "logpoints": [{"file": "cart.py", "line": 28, "message": "count={count}"}],
        "breakpoints": [
            {"file": "cart.py", "line": 29, "condition": "count == 10", "hitCondition": ">1"}
        ],
        "skipFiles": ["**/site-packages/**"],
        "smartStep": True,
        "trace": False,
        "smartDebug": {
            "autoLogpoints": 3,
            "ai": "off",
            "showProbeOutput": False,
            "maxProbeHits": 10,
        },
    }
    assert list(Draft7Validator(schema_for("launch")).iter_errors(configuration)) == []
    live, forwarded = read_config(configuration)
    assert live.problems == []
    assert [(p.file, p.line) for p in live.logpoints] == [("cart.py", 28)]
    assert forwarded["rules"] == [{"path": "**/site-packages/**", "include": False}]
