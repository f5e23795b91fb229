"""TCP_NODELAY on debugpy's sockets, checked in the real processes (dap_proxy/proxy/nodelay.py).

Each test starts debugpy's adapter the way the proxy does (`adapter_command`, `adapter_env`,
`launch_arguments`), stops a real program at a breakpoint and reads the socket option:

- in the debuggee, through an `evaluate` of getsockopt on pydevd's own socket;
- in the adapter, the launcher and the debuggee, by duplicating each process's connected TCP
  sockets into the test with pidfd_getfd (Linux) and calling getsockopt on the duplicate.

The stock command (`-m debugpy.adapter`) is the control: the same checks read 0 there.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import EVENT_TIMEOUT

from dap_proxy.proxy import nodelay
from dap_proxy.wire.client import DapClient

pytestmark = pytest.mark.e2e

SYS_PIDFD_GETFD = 438  # the same number on every Linux architecture (added in 5.6)
# Evaluated in the stopped frame: pydevd's writer holds the socket connected to the adapter.
PYDEVD_NODELAY = (
    "__import__('pydevd').get_global_debugger().writer.sock.getsockopt("
    f"{socket.IPPROTO_TCP}, {socket.TCP_NODELAY})"
)

PROGRAM = """\
import os
import sys

import usermod

marker = os.environ.get("USER_SITECUSTOMIZE_RAN", "no")
print("usermod=" + usermod.VALUE + " sitecustomize=" + marker, flush=True)
answer = 42  # @bp
print("done", answer)
"""


def _pidfd_getfd_available() -> str | None:
    """None when the test can duplicate a child's fd, else why not."""
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"):
        return "needs Linux pidfd_getfd to read another process's socket options"
    return None


def connected_tcp_nodelay(pid: int) -> dict[tuple[Any, Any], int]:
    """TCP_NODELAY of every connected TCP socket of process `pid`, keyed by (local, peer)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    found: dict[tuple[Any, Any], int] = {}
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    continue
            except OSError:
                continue  # closed meanwhile
            dup = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if dup < 0:
                code = ctypes.get_errno()
                if code in (errno.EPERM, errno.ENOSYS, errno.EACCES):
                    pytest.skip(f"pidfd_getfd refused ({errno.errorcode[code]}) on this system")
                continue
            with socket.socket(fileno=dup) as sock:
                if sock.family not in (socket.AF_INET, socket.AF_INET6):
                    continue
                try:
                    peer = sock.getpeername()
                except OSError:
                    continue  # a listener
                found[(sock.getsockname(), peer)] = sock.getsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY
                )
    finally:
        os.close(pidfd)
    return found


def parent_pid(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, Path]:
    """A program, a user library dir with its own sitecustomize and a module the program needs."""
    userlib = tmp_path / "userlib"
    userlib.mkdir()
    (userlib / "usermod.py").write_text('VALUE = "from-user-pythonpath"\n')
    (userlib / "sitecustomize.py").write_text(
        "import os\nos.environ['USER_SITECUSTOMIZE_RAN'] = 'yes:' + __name__\n"
    )
    program = tmp_path / "app.py"
    program.write_text(PROGRAM)
    return {"program": program, "userlib": userlib}


def bp_line(program: Path) -> int:
    return next(n for n, text in enumerate(program.read_text().splitlines(), 1) if "@bp" in text)


@contextmanager
def stopped_session(
    argv: list[str],
    adapter_env: Mapping[str, str],
    launch: Callable[[dict[str, Any]], dict[str, Any]],
    program: Path,
    launch_env: dict[str, str] | None,
) -> Iterator[tuple[DapClient, int, int]]:
    """A session stopped at the @bp line: (client, debuggee pid, frame id)."""
    client = DapClient.spawn(argv, env=adapter_env)
    try:
        client.request("initialize", {"adapterID": "test", "clientID": "test"}, check=True)
        arguments: dict[str, Any] = {
            "request": "launch",
            "program": str(program),
            "cwd": str(program.parent),
            "console": "internalConsole",
        }
        if launch_env is not None:
            arguments["env"] = launch_env
        launch_seq = client.send_request("launch", launch(arguments))
        client.wait_event("initialized", timeout=EVENT_TIMEOUT)
        client.request(
            "setBreakpoints",
            {"source": {"path": str(program)}, "breakpoints": [{"line": bp_line(program)}]},
            check=True,
        )
        client.request("configurationDone", check=True)
        client.wait_response(launch_seq, check=True, timeout=EVENT_TIMEOUT)
        pid = client.wait_event("process", timeout=EVENT_TIMEOUT)["body"]["systemProcessId"]
        thread_id = client.wait_event("stopped", timeout=EVENT_TIMEOUT)["body"]["threadId"]
        frames = client.request("stackTrace", {"threadId": thread_id}, check=True)["body"]
        yield client, pid, frames["stackFrames"][0]["id"]
        client.request("disconnect", {"terminateDebuggee": True})
    finally:
        client.close()


def evaluate(client: DapClient, frame_id: int, expression: str) -> str:
    body = client.request(
        "evaluate", {"expression": expression, "frameId": frame_id, "context": "repl"}, check=True
    )["body"]
    return str(body["result"])


def program_output(client: DapClient) -> str:
    return "".join(
        e["body"].get("output", "")
        for e in client.events
        if e.get("event") == "output" and e["body"].get("category") == "stdout"
    )


def proxy_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != nodelay.ADAPTER_CMD_ENV}
    env.pop("PYTHONPATH", None)
    env.update(extra or {})
    return env


@pytest.mark.skipif(_pidfd_getfd_available() is not None, reason=str(_pidfd_getfd_available()))
def test_launch_sets_nodelay_in_adapter_launcher_and_debuggee(workspace: dict[str, Path]) -> None:
    env = proxy_env()
    launch_env = {"PYTHONPATH": str(workspace["userlib"])}
    with stopped_session(
        nodelay.adapter_command(sys.executable),
        nodelay.adapter_env(env),
        nodelay.launch_arguments,
        workspace["program"],
        launch_env,
    ) as (client, debuggee, frame_id):
        assert evaluate(client, frame_id, PYDEVD_NODELAY) == "1"
        assert client.process is not None
        adapter_links = connected_tcp_nodelay(client.process.pid)
        debuggee_links = connected_tcp_nodelay(debuggee)
        launcher_links = connected_tcp_nodelay(parent_pid(debuggee))
    # The adapter holds two links (launcher, debuggee); each other process holds one.
    assert len(adapter_links) >= 2, adapter_links
    assert set(adapter_links.values()) == {1}, adapter_links
    assert list(debuggee_links.values()) == [1], debuggee_links
    assert list(launcher_links.values()) == [1], launcher_links


@pytest.mark.skipif(_pidfd_getfd_available() is not None, reason=str(_pidfd_getfd_available()))
def test_stock_adapter_leaves_nagle_on(workspace: dict[str, Path]) -> None:
    """The control: the same checks see debugpy's default, so they can tell the difference."""
    env = proxy_env()
    with stopped_session(
        [sys.executable, "-m", "debugpy.adapter"],
        env,
        dict,
        workspace["program"],
        {"PYTHONPATH": str(workspace["userlib"])},
    ) as (client, debuggee, frame_id):
        assert evaluate(client, frame_id, PYDEVD_NODELAY) == "0"
        assert client.process is not None
        adapter_links = connected_tcp_nodelay(client.process.pid)
        debuggee_links = connected_tcp_nodelay(debuggee)
    assert adapter_links and set(adapter_links.values()) == {0}, adapter_links
    assert list(debuggee_links.values()) == [0], debuggee_links


@pytest.mark.parametrize("where", ["launch env", "proxy environment"])
def test_user_sitecustomize_runs_and_user_pythonpath_resolves(
    workspace: dict[str, Path], where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's PYTHONPATH (from the launch `env`, or inherited from the proxy's environment)
    still resolves imports, and their sitecustomize still runs as `sitecustomize`."""
    userlib = str(workspace["userlib"])
    if where == "launch env":
        env, launch_env = proxy_env(), {"PYTHONPATH": userlib}
    else:
        env, launch_env = proxy_env({"PYTHONPATH": userlib}), None
        monkeypatch.setenv("PYTHONPATH", userlib)  # what launch_arguments reads as inherited
    arguments = nodelay.launch_arguments(
        {"program": str(workspace["program"]), **({"env": launch_env} if launch_env else {})}
    )
    assert arguments["env"]["PYTHONPATH"].split(os.pathsep) == [str(nodelay.SHIM_DIR), userlib]
    with stopped_session(
        nodelay.adapter_command(sys.executable),
        nodelay.adapter_env(env),
        nodelay.launch_arguments,
        workspace["program"],
        launch_env,
    ) as (client, _debuggee, frame_id):
        assert evaluate(client, frame_id, PYDEVD_NODELAY) == "1"
        assert evaluate(client, frame_id, "__import__('sitecustomize').__file__") == repr(
            str(workspace["userlib"] / "sitecustomize.py")
        )
        client.request("continue", {"threadId": 0})
        client.wait_event("terminated", timeout=EVENT_TIMEOUT)
    output = program_output(client)
    assert "usermod=from-user-pythonpath sitecustomize=yes:sitecustomize" in output, output


@pytest.mark.skipif(_pidfd_getfd_available() is not None, reason=str(_pidfd_getfd_available()))
def test_attach_listen_sets_nodelay_on_the_adapter_side_only(
    workspace: dict[str, Path], tmp_path: Path
) -> None:
    """attach listen: the user starts the program with `python -m debugpy --connect`, so only the
    adapter's end is ours (its accepted link gets TCP_NODELAY; the program keeps debugpy's 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = proxy_env()
    client = DapClient.spawn(nodelay.adapter_command(sys.executable), env=nodelay.adapter_env(env))
    user_program = None
    try:
        client.request("initialize", {"adapterID": "test", "clientID": "test"}, check=True)
        arguments = nodelay.launch_arguments(
            {"request": "attach", "listen": {"host": "127.0.0.1", "port": port}}
        )
        attach_seq = client.send_request("attach", arguments)
        client.wait_event("debugpyWaitingForServer", timeout=EVENT_TIMEOUT)
        user_env = {**env, "PYTHONPATH": str(workspace["userlib"])}  # the user's, no shim
        user_program = subprocess.Popen(
            [sys.executable, "-m", "debugpy", "--connect", f"127.0.0.1:{port}"]
            + ["--wait-for-client", str(workspace["program"])],
            env=user_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client.wait_event("initialized", timeout=EVENT_TIMEOUT)
        program = workspace["program"]
        client.request(
            "setBreakpoints",
            {"source": {"path": str(program)}, "breakpoints": [{"line": bp_line(program)}]},
            check=True,
        )
        client.request("configurationDone", check=True)
        client.wait_response(attach_seq, check=True, timeout=EVENT_TIMEOUT)
        client.wait_event("stopped", timeout=EVENT_TIMEOUT)
        assert client.process is not None
        adapter_links = connected_tcp_nodelay(client.process.pid)
        program_links = connected_tcp_nodelay(user_program.pid)
        client.request("disconnect", {"terminateDebuggee": True})
    finally:
        client.close()
        if user_program is not None:
            try:
                user_program.wait(EVENT_TIMEOUT)
            except subprocess.TimeoutExpired:
                user_program.kill()
                user_program.wait()
    assert adapter_links and set(adapter_links.values()) == {1}, adapter_links
    assert list(program_links.values()) == [0], program_links


def run_with_shim(
    tmp_path: Path, code: str, user_sitecustomize: str | None
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter with the PYTHONPATH launch_arguments gives a debuggee
    whose launch `env` sets PYTHONPATH to a user directory (optionally with a sitecustomize)."""
    userlib = tmp_path / "lib"
    userlib.mkdir(exist_ok=True)
    if user_sitecustomize is not None:
        (userlib / "sitecustomize.py").write_text(user_sitecustomize)
    env = proxy_env()
    launch = nodelay.launch_arguments({"program": "x.py", "env": {"PYTHONPATH": str(userlib)}})
    env["PYTHONPATH"] = launch["env"]["PYTHONPATH"]
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
        check=False,
    )


def test_a_failing_user_sitecustomize_is_reported_by_site_and_the_program_still_runs(
    tmp_path: Path,
) -> None:
    result = run_with_shim(
        tmp_path,
        "import sys; print([type(f).__name__ for f in sys.meta_path][0]); print('ran')",
        "raise RuntimeError('user sitecustomize is broken')\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["NodelayFinder", "ran"]
    # The same report `site` prints for a broken sitecustomize without smart-debug.
    assert "Error in sitecustomize" in result.stderr
    assert "user sitecustomize is broken" in result.stderr


def test_the_users_own_sockets_keep_nagle(tmp_path: Path) -> None:
    """Only debugpy's sockets are changed: a socket the program opens itself is left alone."""
    code = (
        "import socket\n"
        "import debugpy.common.sockets as debugpy_sockets\n"
        "assert debugpy_sockets.__smart_debug_nodelay__  # the patch is active here\n"
        "assert debugpy_sockets.create_client().getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "client = socket.create_connection(server.getsockname())\n"
        "peer, _ = server.accept()\n"
        "print(client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),"
        " peer.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), type(peer).__name__)\n"
    )
    result = run_with_shim(tmp_path, code, None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "0", "socket"]
