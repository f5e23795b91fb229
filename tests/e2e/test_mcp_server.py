"""`smart-debug mcp` end to end: the MCP SDK's own client starts the real server process over
stdio and calls its tools on copies of the bundled examples (the repository is never written).
Processes localize starts are found by their working folder, a scratch root of the test's own."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import anyio
import pytest
from dap_helpers import (
    alive,
    assert_scratch_cleaned,
    processes_matching,
    processes_working_in,
    ratings_failure,
)
from mcp.shared.exceptions import MCPError
from mcp_helpers import SECRET_ENV, SESSION_TOOLS, connected, text_of

from tests.conftest import EVENT_TIMEOUT, wait_for

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 40.0  # seconds of localize budget: ample for the example on a loaded machine
SECRET_KEY = "sk-ant-api03-" + "Q" * 24  # shaped like an Anthropic key
BLOCKING_TEST = "import threading\n\n\ndef test_waits():\n    threading.Event().wait(60)\n"


@pytest.fixture
def cart(tmp_path: Path) -> Path:
    ws = tmp_path / "cart"
    # `make demo` leaves a store in the example; a fresh workspace has none
    shutil.copytree(
        ROOT / "examples" / "shopping_cart", ws, ignore=shutil.ignore_patterns(".smart-debug")
    )
    return ws


@pytest.fixture
def failures(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the example failures and the real traceback ratings.py prints."""
    ws = tmp_path / "failures"
    return ws, ratings_failure(ws)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The server's TMPDIR: localize's scratch copies (and the processes working in them)."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


def _without_times(value: Any) -> Any:
    """Evidence carries the time it was seen; two runs of the same triage differ only there."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k != "at"}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_console_script_lists_typed_tools_and_works_on_its_cwd(failures: tuple[Path, str]) -> None:
    ws, traceback = failures
    script = str(Path(sys.executable).with_name("smart-debug"))

    async def main() -> tuple[Any, Any, str | None]:
        async with connected(ws, command=script) as client:
            listed = await client.list_tools()
            result = await client.call_tool("triage", {"text": traceback, "record": False})
            return listed, result, client.instructions

    listed, result, instructions = anyio.run(main)
    tools = {t.name: t for t in listed.tools}
    assert set(tools) == {"triage", "localize", "history", *SESSION_TOOLS}
    for tool in tools.values():
        assert tool.description and tool.output_schema and tool.output_schema["properties"]
    assert set(tools["triage"].input_schema["required"]) == {"text"}
    assert set(tools["localize"].input_schema["required"]) == {"command"}
    assert tools["history"].annotations and tools["history"].annotations.read_only_hint
    assert set(tools["start_session"].input_schema["required"]) == {"config"}
    assert {"program", "module", "pathMappings", "smartDebug"} <= set(
        tools["start_session"].input_schema["$defs"]["LaunchConfig"]["properties"]
    )
    assert instructions and "triage" in instructions
    assert not result.is_error, text_of(result)
    assert result.structured_content["context"]["workspace"] == str(ws)  # the cwd by default


def test_triage_gives_the_cli_contract_and_history_finds_it(failures: tuple[Path, str]) -> None:
    ws, traceback = failures
    cli = subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "triage", "--json", "--no-store", "-"],
        cwd=ws,
        input=traceback,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)

    async def main() -> tuple[Any, Any, Any]:
        async with connected(ws, "--workspace", str(ws)) as client:
            bare = await client.call_tool("triage", {"text": traceback, "record": False})
            recorded = await client.call_tool("triage", {"text": traceback})
            found = await client.call_tool("history", {"query": traceback})
            return bare, recorded, found

    bare, recorded, found = anyio.run(main)
    assert not bare.is_error, text_of(bare)
    got = bare.structured_content
    assert json.loads(text_of(bare)) == got  # text clients see the same object
    assert set(got) == set(expected)
    for key in ("strategy", "suggestions", "other_probability", "notes"):
        assert got[key] == expected[key], key
    assert _without_times(got["hypotheses"]) == _without_times(expected["hypotheses"])
    assert got["hypotheses"][0]["pattern"] == "division_by_zero"
    assert got["context"]["exception_type"] == "ZeroDivisionError"
    session = recorded.structured_content["session_id"]
    assert isinstance(session, int)
    assert (ws / ".smart-debug" / "smart-debug.db").is_file()
    matches = found.structured_content["sessions"]
    assert matches[0]["session_id"] == session and matches[0]["match"] == "signature"


def test_secrets_are_redacted_from_every_result(failures: tuple[Path, str]) -> None:
    ws, traceback = failures
    text = f"{traceback}\nconfig: api_key={SECRET_KEY} upstream token {SECRET_ENV}\n"

    async def main() -> list[Any]:
        async with connected(ws, "--workspace", str(ws)) as client:
            return [
                await client.call_tool("triage", {"text": text}),
                await client.call_tool("history", {"query": text}),
                await client.call_tool("history", {}),
                await client.call_tool("localize", {"command": [SECRET_KEY]}),  # an error
            ]

    results = anyio.run(main)
    for result in results:
        assert result.is_error == (result is results[-1]), text_of(result)
        dumped = text_of(result) + json.dumps(result.structured_content)
        assert SECRET_KEY not in dumped and SECRET_ENV not in dumped
    assert "was not found" in text_of(results[-1])
    triage = json.dumps(results[0].structured_content)
    assert "[REDACTED:" in triage and "ZeroDivisionError" in triage  # the rest is kept
    assert results[2].structured_content["sessions"]  # the store had something to redact


def test_localize_ranks_the_faulty_line_with_progress_and_changes_nothing(cart: Path) -> None:
    fault = next(
        n
        for n, line in enumerate((cart / "cart.py").read_text().splitlines(), start=1)
        if "count > BULK_THRESHOLD" in line
    )
    before = _digest(cart)
    notes: list[tuple[float, float | None, str | None]] = []

    async def progress(value: float, total: float | None, message: str | None) -> None:
        notes.append((value, total, message))

    async def main() -> Any:
        async with connected(cart, "--workspace", str(cart)) as client:
            return await client.call_tool(
                "localize",
                {"command": f"{sys.executable} -m pytest -q tests", "budget_s": BUDGET, "top": 5},
                progress_callback=progress,
            )

    result = anyio.run(main)
    assert not result.is_error, text_of(result)
    report = result.structured_content
    assert set(report) == {
        "suggestions", "hypotheses", "experiments", "notes", "seconds", "other_probability",
        "outcomes", "phases",
    }  # fmt: skip
    best = report["suggestions"][0]
    assert (best["file"], best["line"]) == ("cart.py", fault)
    assert 1 <= len(report["suggestions"]) <= 5 and report["experiments"]
    assert notes, "no progress notification"
    values = [value for value, _, _ in notes]
    assert values == sorted(set(values)) and all(total == BUDGET for _, total, _ in notes)
    assert any(message and "tests" in message for _, _, message in notes)
    assert _digest(cart) == before  # not one file written, nothing added


def test_a_call_past_its_timeout_is_an_error_and_its_run_stops(cart: Path, scratch: Path) -> None:
    (cart / "tests" / "test_waits.py").write_text(BLOCKING_TEST)
    arguments = {
        "command": [sys.executable, "-m", "pytest", "-q", "tests"],
        "budget_s": 120,
        "test_timeout_s": 60,  # the blocked test is not cut by its own timeout
    }

    async def main() -> tuple[Any, int]:
        server = ("--workspace", str(cart), "--timeout", "3")
        async with connected(cart, *server, scratch=scratch) as client:
            result = await client.call_tool("localize", arguments)
            # the run is stopped while the client is still connected, and the server still serves
            await anyio.to_thread.run_sync(assert_scratch_cleaned, scratch)
            return result, len((await client.list_tools()).tools)

    result, tools = anyio.run(main)
    assert result.is_error
    assert "localize did not finish within 3 s" in text_of(result) and "budget_s" in text_of(result)
    assert tools == 3 + len(SESSION_TOOLS)


@pytest.mark.parametrize("how", ["disconnect", "sigterm"])
def test_ending_the_server_mid_localize_leaves_no_process(
    how: str, cart: Path, scratch: Path
) -> None:
    (cart / "tests" / "test_waits.py").write_text(BLOCKING_TEST)
    arguments = {
        "command": [sys.executable, "-m", "pytest", "-q", "tests"],
        "budget_s": 120,
        "test_timeout_s": 60,
    }
    running = anyio.Event()

    async def progress(value: float, total: float | None, message: str | None) -> None:
        if message and "running the tests" in message:  # the plain run, in the scratch copy
            running.set()

    async def main() -> list[int]:
        servers: list[int] = []
        with pytest.raises(ExceptionGroup) if how == "sigterm" else nullcontext() as ended:
            async with connected(cart, "--workspace", str(cart), scratch=scratch) as client:
                servers = processes_matching("mcp", "--workspace", str(cart))
                assert len(servers) == 1
                async with anyio.create_task_group() as group:
                    group.start_soon(client.call_tool, "localize", arguments, None, progress)
                    with anyio.fail_after(EVENT_TIMEOUT):
                        await running.wait()
                    assert processes_working_in(scratch)  # the workers started before that phase
                    if how == "sigterm":
                        os.kill(servers[0], signal.SIGTERM)
                        await anyio.sleep_forever()  # the call fails when the server goes
                    group.cancel_scope.cancel()  # leave mid-call: the client closes stdin
        if ended is not None:  # the call failed because the connection closed
            assert ended.group_contains(MCPError, match="onnection closed"), ended.value
        return servers

    servers = anyio.run(main)
    wait_for(lambda: not alive(servers[0]), EVENT_TIMEOUT, "the server to exit")
    assert_scratch_cleaned(scratch)


def test_bad_input_is_a_tool_error_that_says_what_to_do(cart: Path) -> None:
    calls: list[tuple[str, dict[str, Any], str]] = [
        ("triage", {}, "text"),
        ("triage", {"text": "   \n"}, "`text` is empty"),
        ("triage", {"text": "hello there"}, "nothing recognisable"),
        ("triage", {"text": "KeyError: 'sku'", "limit": 9}, "limit"),
        ("localize", {"command": []}, "`command` is empty"),
        ("localize", {"command": "pytest 'unclosed"}, "pass a list"),
        ("localize", {"command": ["no-such-tool-xyz"]}, "was not found"),
        ("localize", {"command": ["pytest"], "budget_s": -1}, "budget_s"),
        ("localize", {"command": ["pytest"], "folder": "../.."}, "outside the workspace"),
        ("localize", {"command": ["pytest"], "experiments": ["guess"]}, "experiments"),
        ("history", {"limit": 0}, "limit"),
        ("write_file", {"path": "x"}, "Unknown tool"),  # there is no tool that writes files
    ]

    async def main() -> list[Any]:
        async with connected(cart, "--workspace", str(cart)) as client:
            return [await client.call_tool(name, args) for name, args, _ in calls]

    results = anyio.run(main)
    for (name, args, expected), result in zip(calls, results, strict=True):
        assert result.is_error, (name, args)
        assert expected in text_of(result), (name, args, text_of(result))
    assert not (cart / ".smart-debug").exists()  # nothing was recorded from bad input


def test_history_of_a_fresh_workspace_is_empty_and_says_why(cart: Path) -> None:
    async def main() -> Any:
        async with connected(cart, "--workspace", str(cart)) as client:
            return await client.call_tool("history", {"query": "KeyError"})

    result = anyio.run(main)
    assert not result.is_error
    assert result.structured_content["sessions"] == []
    assert "no session is recorded" in result.structured_content["notes"][0]
    assert not (cart / ".smart-debug").exists()  # reading created no store


def test_a_workspace_that_is_not_a_folder_is_refused_before_serving(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "mcp", "--workspace", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "is not a folder" in done.stderr and "--workspace" in done.stderr
