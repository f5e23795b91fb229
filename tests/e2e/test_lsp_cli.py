"""`smart-debug lsp` as a command: stdio by default, `--tcp PORT` on loopback only (the listening
socket's address read from /proc, and this machine's other address refused) unless
`--allow-remote`, which warns; over TCP it answers `initialize` with the commands and lazy code
lenses."""

from __future__ import annotations

import ipaddress
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import EVENT_TIMEOUT, wait_for
from dap_helpers import free_port, listening_addresses, port_listening

pytestmark = pytest.mark.e2e
LSP = [sys.executable, "-m", "dap_proxy.cli", "lsp"]


def outward_address() -> str | None:
    """This machine's address on its default route (nothing is sent), None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("198.51.100.1", 9))  # TEST-NET-2: a route is looked up, no packet
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


@contextmanager
def lsp_server(*args: str, cwd: object = None) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`smart-debug lsp --tcp PORT ARGS` once it listens, and its port; killed afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [*LSP, "--tcp", str(port), *args], stderr=subprocess.PIPE, text=True, cwd=cwd
    )
    try:
        wait_for(lambda: port_listening(port), what=f"the server to listen on port {port}")
        yield server, port
    finally:
        server.kill()
        server.wait(EVENT_TIMEOUT)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "this machine's address"])
def test_a_non_loopback_address_is_refused_without_allow_remote(host: str) -> None:
    if host == "this machine's address":
        host = outward_address() or pytest.skip("this machine has no non-loopback address")
    done = subprocess.run(
        [*LSP, "--tcp", str(free_port()), "--host", host],
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert done.returncode == 2
    assert f"refusing to listen on {host}" in done.stderr and "--allow-remote" in done.stderr


def test_tcp_listens_on_the_loopback_address_only(tmp_path) -> None:
    with lsp_server(cwd=tmp_path) as (_, port):
        assert listening_addresses(port) == {"127.0.0.1"}
        outward = outward_address()
        if outward is not None:  # reachable from this machine's loopback only
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((outward, port), timeout=EVENT_TIMEOUT).close()


def test_allow_remote_listens_where_it_is_told_and_warns(tmp_path) -> None:
    with lsp_server("--host", "0.0.0.0", "--allow-remote", cwd=tmp_path) as (server, port):
        assert listening_addresses(port) == {"0.0.0.0"}
        assert server.stderr is not None
        warned = server.stderr.readline()
        assert f"warning: listening on 0.0.0.0:{port}" in warned
        assert "not authenticated or encrypted" in warned


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_message(stream) -> dict:
    length = 0
    while (line := stream.readline().strip()) != b"":
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(stream.read(length))


def test_tcp_serves_on_loopback_with_the_commands_and_lazy_lenses(tmp_path) -> None:
    with lsp_server(cwd=tmp_path) as (server, port):
        assert server.stderr is not None
        assert f"language server on 127.0.0.1:{port}" in server.stderr.readline()
        with socket.create_connection(("127.0.0.1", port), timeout=EVENT_TIMEOUT) as sock:
            stream = sock.makefile("rb")
            sock.sendall(
                _frame(
                    {
                        "jsonrpc": "2.0",
                        "id": 1,
                        "method": "initialize",
                        "params": {
                            "processId": None,
                            "rootUri": tmp_path.as_uri(),
                            "capabilities": {},
                        },
                    }
                )
            )
            reply = _read_message(stream)
            while "id" not in reply:  # notifications before the answer
                reply = _read_message(stream)
        capabilities = reply["result"]["capabilities"]
        assert capabilities["codeLensProvider"] == {"resolveProvider": True}
        assert sorted(capabilities["executeCommandProvider"]["commands"]) == [
            "smartDebug.accept",
            "smartDebug.dismiss",
            "smartDebug.localize",
            "smartDebug.showEvidence",
        ]
        assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]
        assert capabilities["textDocumentSync"]["change"] == 2  # incremental
