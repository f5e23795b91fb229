"""The live-session tools of `smart-debug mcp` end to end: the SDK's own client drives debug
sessions of the real server process (its own proxy and debugpy for each) on a copy of the bundled
example: a stop and its evidence, a hypothesis confirmed by the probes the session placed, the
refusal of an unsafe probe or evaluation, the session limit, and no process left behind when the
client goes."""

from __future__ import annotations

import os
import shutil
import signal
from contextlib import suppress
from pathlib import Path
from typing import Any

import anyio
import pytest
from dap_helpers import PROGRAMS, alive, assert_all_gone, descendants, processes_matching
from live_helpers import copy_example
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_helpers import SECRET_ENV, connected, text_of

from tests.conftest import EVENT_TIMEOUT, wait_for, wait_for_async

pytestmark = pytest.mark.e2e

WAIT = 30.0  # seconds a call waits for the program to stop or end (a loaded 2-core machine)
SECRET_KEY = "sk-ant-api03-" + "Q" * 24  # shaped like an Anthropic key
ROUNDS = 4  # continues before the hypothesis must be decided (the example has three carts)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example copied once, its failing tests' output in failure.txt (they take a while)."""
    root = copy_example(tmp_path_factory.mktemp("example"))
    shutil.copy(PROGRAMS / "run" / "hang.py", root / "hang.py")  # a program that never ends
    return root


@pytest.fixture
def shop(example: Path, tmp_path: Path) -> Path:
    """A test's own copy of `example` (sessions record in its store)."""
    return Path(shutil.copytree(example, tmp_path / "shop"))


def _breakpoint_line(shop: Path) -> int:
    lines = (shop / "checkout.py").read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.rstrip().endswith("# @bp"))


def _config(shop: Path, **extra: Any) -> dict[str, Any]:
    return {
        "program": "checkout.py",
        "smartDebug": {"traceback": "failure.txt"},
        "breakpoints": [{"file": "checkout.py", "line": _breakpoint_line(shop)}],
        **extra,
    }


def _files(folder: Path) -> dict[str, bytes]:
    """The workspace's files, the store apart (sessions record there, as in the editor)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".smart-debug" not in p.parts and "__pycache__" not in p.parts
    }


async def _call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, (tool, text_of(result))
    return result.structured_content


async def _refused(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, (tool, arguments, result.structured_content)
    return text_of(result)


def _about(hypotheses: list[dict[str, Any]], file: str, line: int) -> dict[str, Any]:
    for h in hypotheses:
        if any((loc["file"], loc["line"]) == (file, line) for loc in h["locations"]):
            return h
    raise AssertionError(f"no hypothesis about {file}:{line}: {hypotheses}")


def test_an_agent_confirms_the_off_by_one_in_a_live_session(shop: Path) -> None:
    before = _files(shop)
    line = _breakpoint_line(shop)

    async def main() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async with connected(shop, "--workspace", str(shop)) as client:
            started = await _call(
                client, "start_session", {"config": _config(shop), "wait_s": WAIT}
            )
            sid = seen["id"] = started["session_id"]
            seen["start"] = started
            seen["state"] = await _call(client, "session_state", {"session_id": sid})
            listed = await _call(client, "hypotheses", {"session_id": sid})
            h1 = _about(listed["hypotheses"], "cart.py", 28)
            arguments = {"session_id": sid, "hypothesis_id": h1["id"], "wait_s": 5}
            seen["first test"] = await _call(client, "test_hypothesis", arguments)
            unsafe = {"file": "cart.py", "line": 28, "log_message": "{__import__('os').getcwd()}"}
            seen["unsafe"] = await _refused(client, "add_probe", {"session_id": sid, **unsafe})
            seen["tests"] = []
            for _ in range(ROUNDS):
                await _call(client, "continue", {"session_id": sid, "wait_s": WAIT})
                seen["tests"].append(await _call(client, "test_hypothesis", arguments))
                if seen["tests"][-1]["decided"]:
                    break
            seen["stopped"] = await _call(client, "stop_session", {"session_id": sid})
            seen["after"] = await _call(client, "session_state", {"session_id": sid})
        return seen

    seen = anyio.run(main)
    start = seen["start"]
    assert start["phase"] == "stopped", start
    where = start["stop"]
    assert (where["reason"], where["file"], where["line"]) == ("breakpoint", "checkout.py", line)
    assert start["evidence"]["locals"]["customer"] == "'alice'"
    assert start["evidence"]["frames"][0] == {"name": "main", "file": "checkout.py", "line": line}
    assert seen["state"]["phase"] == "stopped"
    assert seen["state"]["evidence"]["locals"]["customer"] == "'alice'"

    first = seen["first test"]
    assert first["pending"] and not first["decided"], first
    assert "continue" in first["note"]
    assert any((p["file"], p["line"]) == ("cart.py", 28) for p in first["probes"])
    assert "refused" in seen["unsafe"] and "not a safe expression" in seen["unsafe"]

    last = seen["tests"][-1]
    assert last["verdict"] == "confirmed" and last["decided"] and not last["pending"], last
    assert len(seen["tests"]) >= 2  # bob's 10-item cart comes second: alice's decides nothing
    assert not seen["tests"][0]["decided"]
    held = [p for p in last["hypothesis"]["predictions"] if p["kind"] == "branch"]
    assert held and held[0]["verdict"] == "held"
    deciding = [d["observation"] for d in last["hypothesis"]["decided_by"]]
    assert any("the boundary case was not taken" in d for d in deciding), deciding
    counts = [o["values"].get("count") for o in last["observations"] if o["line"] == 28]
    assert "10" in counts, last["observations"]
    assert "confirmed" in last["note"]

    assert seen["stopped"]["phase"] == "ended" and seen["after"]["phase"] == "ended"
    assert "bob: pays 36.00" in seen["stopped"]["output_tail"]
    assert seen["stopped"]["exit_code"] is None  # ended by us: no exit code of its own
    assert any("stopped before the program ended" in n for n in seen["stopped"]["notes"])
    assert not processes_matching(str(shop / "checkout.py"))
    assert _files(shop) == before  # not one of the user's files written


@pytest.mark.parametrize("how", ["disconnect", "sigterm"])
def test_a_client_that_goes_mid_session_leaves_no_process(how: str, shop: Path) -> None:
    answers: list[Any] = []

    async def wait_in_a_call(client: Client, arguments: dict[str, Any]) -> None:
        # The server may answer it as it shuts down (its wait ends), or go first.
        with suppress(MCPError):
            answers.append(await client.call_tool("session_state", arguments))

    async def main() -> tuple[list[int], set[int]]:
        async with connected(shop, "--workspace", str(shop)) as client:
            servers = processes_matching("mcp", "--workspace", str(shop))
            assert len(servers) == 1
            stopped = await _call(
                client, "start_session", {"config": _config(shop), "wait_s": WAIT}
            )
            assert stopped["phase"] == "stopped"
            running = await _call(
                client, "start_session", {"config": {"program": "hang.py"}, "wait_s": 0}
            )
            assert running["phase"] == "running"
            below = descendants(servers[0])
            assert processes_matching(str(shop / "hang.py"))
            assert processes_matching(str(shop / "checkout.py"))
            waiting = {"session_id": running["session_id"], "wait_s": 100}
            async with anyio.create_task_group() as group:
                group.start_soon(wait_in_a_call, client, waiting)
                # answered after the server took the call before it (stdin is read in order)
                await client.list_tools()
                if how == "sigterm":
                    os.kill(servers[0], signal.SIGTERM)
                    await wait_for_async(lambda: not alive(servers[0]), what="the server to go")
                group.cancel_scope.cancel()  # leave mid-call: the client closes stdin
        return servers, below

    servers, below = anyio.run(main)
    # two proxies, their debugpy adapters and the two programs
    assert len(below) >= 6, below
    wait_for(lambda: not alive(servers[0]), EVENT_TIMEOUT, "the server to exit")
    assert_all_gone(below, EVENT_TIMEOUT)
    assert not processes_matching(str(shop / "hang.py"))
    assert not processes_matching(str(shop / "checkout.py"))
    for answer in answers:  # answered while the server ended: the wait was cut short
        assert not answer.is_error and answer.structured_content["phase"] == "running"


def test_at_most_n_sessions_and_evaluate_runs_only_safe_expressions(shop: Path) -> None:
    async def main() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        env = {"SHOP_DB_PASSWORD": "opensesame-42"}  # the program's own secret
        async with connected(shop, "--max-sessions", "1") as client:
            first = await _call(
                client, "start_session", {"config": _config(shop, env=env), "wait_s": WAIT}
            )
            sid = first["session_id"]
            seen["over"] = await _refused(client, "start_session", {"config": _config(shop)})
            evaluate = {"session_id": sid}
            seen["import"] = await _refused(
                client, "evaluate", {**evaluate, "expression": "__import__('os')"}
            )
            seen["call"] = await _refused(
                client, "evaluate", {**evaluate, "expression": "print('hello')"}
            )
            seen["customer"] = await _call(
                client, "evaluate", {**evaluate, "expression": "customer"}
            )
            secrets = f"['{SECRET_KEY}', '{SECRET_ENV}', 'opensesame-42', len(items)]"
            seen["secrets"] = await _call(client, "evaluate", {**evaluate, "expression": secrets})
            seen["caller"] = await _call(
                client, "evaluate", {**evaluate, "expression": "len(CARTS)", "frame": 1}
            )
            await _call(client, "stop_session", {"session_id": sid})
            again = await _call(client, "start_session", {"config": _config(shop), "wait_s": 0})
            seen["again"] = again["session_id"]
            await _call(client, "stop_session", {"session_id": again["session_id"]})
        async with connected(shop, "--allow-free-evaluate") as client:
            free = await _call(client, "start_session", {"config": _config(shop), "wait_s": WAIT})
            seen["free"] = await _call(
                client,
                "evaluate",
                {"session_id": free["session_id"], "expression": "__import__('os').sep"},
            )
        return seen

    seen = anyio.run(main)
    assert "at most 1 debug session" in seen["over"] and "s1" in seen["over"]
    assert "stop_session" in seen["over"]
    for refused in ("import", "call"):
        assert "refused" in seen[refused] and "not a safe expression" in seen[refused]
        assert "--allow-free-evaluate" in seen[refused]
    assert seen["customer"]["result"] == "'alice'"
    assert seen["customer"]["evaluation"] == "checked"
    assert seen["customer"]["frame"].startswith("main, checkout.py:")
    secrets = seen["secrets"]["result"]
    for secret in (SECRET_KEY, SECRET_ENV, "opensesame-42"):
        assert secret not in secrets
    assert secrets.count("[REDACTED:") == 3 and secrets.endswith(", 2]"), secrets
    assert seen["caller"]["result"] == "3" and seen["caller"]["frame"].startswith("<module>")
    assert seen["again"] == "s2"  # the slot came free when s1 stopped
    assert seen["free"]["result"] == "'/'" and seen["free"]["evaluation"] == "free"
    assert not processes_matching(str(shop / "checkout.py"))


def test_a_session_that_ended_keeps_its_verdict_and_bad_input_says_what_to_do(
    shop: Path,
) -> None:
    no_breakpoint = {"program": "checkout.py", "smartDebug": {"traceback": "failure.txt"}}

    async def main() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async with connected(shop) as client:
            ended = await _call(client, "start_session", {"config": no_breakpoint, "wait_s": WAIT})
            sid = seen["id"] = ended["session_id"]
            seen["ended"] = ended
            listed = await _call(client, "hypotheses", {"session_id": sid})
            h1 = _about(listed["hypotheses"], "cart.py", 28)["id"]
            seen["verdict"] = await _call(
                client, "test_hypothesis", {"session_id": sid, "hypothesis_id": h1}
            )
            calls: list[tuple[str, dict[str, Any], str]] = [
                ("start_session", {"config": {}}, "exactly one of `program` or `module`"),
                ("start_session", {"config": {"program": "nope.py"}}, "is not a file"),
                ("start_session", {"config": {**no_breakpoint, "cwd": "../.."}},
                 "outside the workspace"),
                ("start_session", {"config": {**no_breakpoint, "console": "integratedTerminal"}},
                 "internalConsole"),
                ("start_session", {"config": no_breakpoint, "wait_s": 1e6}, "wait_s"),
                ("session_state", {"session_id": "s9"}, "no session 's9'"),
                ("step", {"session_id": sid, "kind": "sideways"}, "kind"),
                ("continue", {"session_id": sid}, "closed"),
                ("evaluate", {"session_id": sid, "expression": "customer"}, "closed"),
                ("test_hypothesis", {"session_id": sid, "hypothesis_id": "H9"}, "no hypothesis"),
                ("add_probe", {"session_id": sid, "file": "cart.py", "line": 28}, "closed"),
            ]  # fmt: skip
            seen["errors"] = [
                (tool, arguments, expected, await _refused(client, tool, arguments))
                for tool, arguments, expected in calls
            ]
        return seen

    seen = anyio.run(main)
    assert seen["ended"]["phase"] == "ended" and seen["ended"]["exit_code"] == 0, seen["ended"]
    assert seen["ended"]["output_tail"].endswith("carol: pays 12.96 (saved 1.20)\n")
    verdict = seen["verdict"]
    assert verdict["verdict"] == "confirmed" and verdict["phase"] == "ended", verdict
    for tool, arguments, expected, message in seen["errors"]:
        assert expected in message, (tool, arguments, message)
