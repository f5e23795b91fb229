"""`smart-debug lsp` as a command: stdio by default, `--tcp PORT` on loopback only unless
`--allow-remote`; over TCP it answers `initialize` with the commands and lazy code lenses."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from conftest import EVENT_TIMEOUT, wait_for
from dap_helpers import free_port, port_listening

pytestmark = pytest.mark.e2e
LSP = [sys.executable, "-m", "dap_proxy.cli", "lsp"]


def test_a_non_loopback_address_is_refused_without_allow_remote() -> None:
    done = subprocess.run(
        [*LSP, "--tcp", str(free_port()), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert done.returncode == 2
    assert "refusing to listen on 0.0.0.0" in done.stderr and "--allow-remote" in done.stderr


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
    port = free_port()
    server = subprocess.Popen(
        [*LSP, "--tcp", str(port)], stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert server.stderr is not None
        assert f"language server on 127.0.0.1:{port}" in server.stderr.readline()
        wait_for(lambda: port_listening(port), what=f"the server to listen on port {port}")
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
    finally:
        server.kill()
        server.wait(EVENT_TIMEOUT)
