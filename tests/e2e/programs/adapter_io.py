"""stdout side of the scripted test adapters (fake_adapter.py, slow_adapter.py): numbered
messages, one write each."""

from __future__ import annotations

import sys

from dap_proxy.wire.framing import encode_message


class Out:
    def __init__(self, first_seq: int = 1) -> None:
        self.seq = first_seq - 1

    def send(self, message: dict) -> int:
        """Write `message` with the next seq; returns that seq."""
        self.seq += 1
        sys.stdout.buffer.write(encode_message({"seq": self.seq, **message}))
        sys.stdout.buffer.flush()
        return self.seq

    def respond(self, request: dict, body: dict | None = None) -> None:
        self.send(
            {
                "type": "response",
                "request_seq": request["seq"],
                "command": request["command"],
                "success": True,
                "body": body or {},
            }
        )
