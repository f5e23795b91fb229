"""A loopback HTTP server that speaks enough of the Anthropic Messages API (`POST /v1/messages`)
for the real `anthropic` SDK to talk to it (the SDK has its own HTTP stack, so the tests cannot mock
HTTP libraries). It records every request (headers and JSON body) and answers as told: a text
block with the given JSON, an HTTP error, or a reply held back past the client's timeout."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOLD_LIMIT_S = 30.0  # a held reply is released by `close()` or after this long


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def raw(self) -> str:
        return json.dumps(self.body)


@dataclass
class Reply:
    """What the stub answers next: `text` in one text block, or an HTTP `status` error; `hold`
    keeps the request hanging (to drive client timeouts)."""

    text: str = "{}"
    status: int = 200
    hold: bool = False
    model: str = "stub-model"


@dataclass
class MessagesStub:
    reply: Reply = field(default_factory=Reply)
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._release = threading.Event()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's naming
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with stub._lock:
                    stub.requests.append(
                        RecordedRequest(
                            self.path, {k.lower(): v for k, v in self.headers.items()}, body
                        )
                    )
                    reply = stub.reply
                if reply.hold:
                    stub._release.wait(HOLD_LIMIT_S)
                    return  # no answer: the client times out and closes the connection
                if self.path.split("?")[0] != "/v1/messages":
                    self._send(
                        404,
                        {
                            "type": "error",
                            "error": {"type": "not_found_error", "message": self.path},
                        },
                    )
                elif reply.status != 200:
                    self._send(
                        reply.status,
                        {"type": "error", "error": {"type": "api_error", "message": "stub error"}},
                    )
                else:
                    self._send(200, stub._message(reply, body))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("request-id", "req_stub")
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="messages-stub", daemon=True
        )
        self._thread.start()

    @staticmethod
    def _message(reply: Reply, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"msg_stub_{id(body)}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", reply.model),
            "content": [{"type": "text", "text": reply.text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 100, "output_tokens": 50},
        }

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
