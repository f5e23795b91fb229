"""A trivial DAP adapter on stdio that answers at once: the far end for measuring the proxy's own
forwarding cost (bench/roundtrip.py, issue 2 section 5).

Every request gets a successful response straight away; `launch`/`attach` also send `initialized`
first (like debugpy), `threads` answers one thread, `disconnect` answers and exits. Standard library
only, one write per message, so the adapter itself adds nothing but a read and a write.

    SMART_DEBUG_ADAPTER_CMD="python bench/support/echo_adapter.py" smart-debug dap
"""

from __future__ import annotations

import json
import sys
from typing import Any, BinaryIO

Message = dict[str, Any]


def read_message(stream: BinaryIO) -> Message | None:
    """One Content-Length framed message, or None at end of input."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None:
        return None
    body = stream.read(length)
    return json.loads(body)


class Echo:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.seq = 0

    def send(self, message: Message) -> None:
        self.seq += 1
        body = json.dumps({"seq": self.seq, **message}).encode()
        self.out.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.out.flush()

    def respond(self, request: Message, body: Message | None = None) -> None:
        self.send(
            {
                "type": "response",
                "request_seq": request["seq"],
                "command": request.get("command"),
                "success": True,
                "body": body or {},
            }
        )

    def handle(self, request: Message) -> bool:
        """Answer one request; False when the session is over."""
        command = request.get("command")
        if command == "initialize":
            self.respond(request, {"supportsConfigurationDoneRequest": True})
        elif command in ("launch", "attach"):
            self.send({"type": "event", "event": "initialized"})
            self.respond(request)
        elif command == "threads":
            self.respond(request, {"threads": [{"id": 1, "name": "MainThread"}]})
        elif command == "disconnect":
            self.respond(request)
            return False
        else:
            self.respond(request)
        return True


def main() -> int:
    echo = Echo(sys.stdout.buffer)
    while True:
        message = read_message(sys.stdin.buffer)
        if message is None:
            return 0
        if message.get("type") == "request" and not echo.handle(message):
            return 0


if __name__ == "__main__":
    sys.exit(main())
