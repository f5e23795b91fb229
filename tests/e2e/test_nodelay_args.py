"""The argument side of the TCP_NODELAY mechanism: adapter argv, adapter env, launch arguments
(dap_proxy/proxy/nodelay.py). Pure functions, no process: the e2e checks are in test_nodelay.py."""

from __future__ import annotations

import os
import sys

import pytest

from dap_proxy.proxy import nodelay

SHIM = str(nodelay.SHIM_DIR)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(nodelay.ADAPTER_CMD_ENV, raising=False)
    monkeypatch.delenv("PYTHONPATH", raising=False)


def test_shim_directory_ships_the_sitecustomize_and_the_patch_module() -> None:
    names = sorted(p.name for p in nodelay.SHIM_DIR.glob("*.py"))
    # Anything else in this directory would become importable by the user's program.
    assert names == ["_smart_debug_nodelay.py", "_smart_debug_pydevd.py", "sitecustomize.py"]


def test_adapter_command_runs_the_nodelay_wrapper_under_the_given_python() -> None:
    assert nodelay.adapter_command("/x/python") == ["/x/python", "-m", "dap_proxy.proxy.nodelay"]


@pytest.mark.parametrize(
    ("value", "argv"),
    [
        ("python3 /tmp/echo adapter.py", ["python3", "/tmp/echo", "adapter.py"]),
        ("python3 '/tmp/echo adapter.py'", ["python3", "/tmp/echo adapter.py"]),
        ('["py", "/tmp/echo adapter.py"]', ["py", "/tmp/echo adapter.py"]),
    ],
)
def test_adapter_command_seam_accepts_shell_words_or_json(
    monkeypatch: pytest.MonkeyPatch, value: str, argv: list[str]
) -> None:
    monkeypatch.setenv(nodelay.ADAPTER_CMD_ENV, value)
    assert nodelay.adapter_command(sys.executable) == argv


@pytest.mark.parametrize("value", ["'unclosed", "[1, 2]", "[]", '["ok", ""]', "[not json"])
def test_adapter_command_seam_rejects_unusable_values_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(nodelay.ADAPTER_CMD_ENV, value)
    with pytest.raises(nodelay.AdapterCommandError, match=nodelay.ADAPTER_CMD_ENV):
        nodelay.adapter_command(sys.executable)


def test_adapter_env_puts_the_shim_first_and_keeps_the_rest() -> None:
    env = nodelay.adapter_env({"PYTHONPATH": os.pathsep.join(["/a", SHIM, "/b"]), "HOME": "/h"})
    assert env == {"PYTHONPATH": os.pathsep.join([SHIM, "/a", "/b"]), "HOME": "/h"}


def test_launch_keeps_the_launch_env_pythonpath_after_the_shim() -> None:
    original = {"program": "app.py", "env": {"PYTHONPATH": "/user/lib", "DEBUG": "1"}}
    forwarded = nodelay.launch_arguments(original)
    assert forwarded["env"] == {"PYTHONPATH": os.pathsep.join([SHIM, "/user/lib"]), "DEBUG": "1"}
    assert original["env"] == {"PYTHONPATH": "/user/lib", "DEBUG": "1"}  # not mutated


def test_launch_without_env_pythonpath_keeps_the_inherited_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["/inherited", "/second"]))
    forwarded = nodelay.launch_arguments({"program": "app.py"})
    assert forwarded["env"] == {"PYTHONPATH": os.pathsep.join([SHIM, "/inherited", "/second"])}


def test_empty_pythonpath_entries_are_kept_because_they_mean_the_current_directory() -> None:
    forwarded = nodelay.launch_arguments(
        {"program": "app.py", "env": {"PYTHONPATH": os.pathsep + "/lib"}}
    )
    assert forwarded["env"]["PYTHONPATH"] == os.pathsep.join([SHIM, "", "/lib"])
    assert nodelay.launch_arguments({"program": "a.py", "env": {"PYTHONPATH": ""}})["env"] == {
        "PYTHONPATH": SHIM
    }


def test_launch_env_that_removes_pythonpath_leaves_only_the_shim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONPATH", "/inherited")
    forwarded = nodelay.launch_arguments({"program": "app.py", "env": {"PYTHONPATH": None}})
    assert forwarded["env"] == {"PYTHONPATH": SHIM}


@pytest.mark.parametrize(
    "arguments",
    [
        {"request": "attach", "processId": 1234},
        {"listen": {"host": "127.0.0.1", "port": 5678}},
        {"connect": {"host": "127.0.0.1", "port": 5678}},
        {"program": "app.py", "noDebug": True},
        {"program": "app.py", "env": ["not", "an", "object"]},  # debugpy reports this one
    ],
)
def test_attach_no_debug_and_invalid_env_pass_through_unchanged(
    arguments: dict[str, object],
) -> None:
    assert nodelay.launch_arguments(arguments) == arguments
