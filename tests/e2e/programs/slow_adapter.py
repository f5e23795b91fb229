"""A scripted debug adapter on stdio whose answers to `evaluate` are slow: each is held until a
`slow/release` request arrives (deterministic, unlike a timer), while everything else is
answered at once. `slow/burst {"count": N}` sends N `output` events, then its response.
Started through SMART_DEBUG_ADAPTER_CMD; `launch` sends `initialized` and answers at once.
"""

from __future__ import annotations

import os

from adapter_io import Out

from dap_proxy.wire.framing import FrameDecoder, FrameError

out = Out()
send, respond = out.send, out.respond
held: list[dict] = []


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
