"""A scripted debug adapter on stdio whose answers to `evaluate` are slow: each is held until a
`slow/release` request arrives (deterministic, unlike a timer), while everything else is
answered at once. `slow/burst {"count": N}` sends N `output` events, then its response.
Started through SMART_DEBUG_ADAPTER_CMD; `launch` sends `initialized` and answers at once.
"""

from __future__ import annotations

import os
import sys

from dap_proxy.wire.framing import FrameDecoder, FrameError, encode_message

out = sys.stdout.buffer
seq = 0
held: list[dict] = []


def send(message: dict) -> None:
    global seq
    seq += 1
    out.write(encode_message({"seq": seq, **message}))
    out.flush()


def respond(request: dict, body: dict | None = None) -> None:
    send(
        {
            "type": "response",
            "request_seq": request["seq"],
            "command": request["command"],
            "success": True,
            "body": body or {},
        }
    )


def handle(request: dict) -> bool:
    command = request["command"]
    if command == "launch":
        send({"type": "event", "event": "initialized"})
        respond(request)
    elif command == "evaluate":
        held.append(request)
    elif command == "slow/release":
        for waiting in held:
            respond(waiting, {"result": waiting["arguments"]["expression"]})
        held.clear()
        respond(request)
    elif command == "slow/burst":
        for n in range(request["arguments"]["count"]):
            send({"type": "event", "event": "output", "body": {"output": f"burst {n}\n"}})
        respond(request)
    elif command == "threads":
        respond(request, {"threads": [{"id": 1, "name": "main"}]})
    elif command == "disconnect":
        respond(request)
        return False
    else:
        respond(request)
    return True


def main() -> None:
    decoder = FrameDecoder()
    while data := os.read(0, 65536):
        for item in decoder.feed(data):
            if isinstance(item, FrameError) or item["type"] != "request":
                continue
            if not handle(item):
                return


main()
