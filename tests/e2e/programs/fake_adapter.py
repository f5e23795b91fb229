"""A scripted debug adapter on stdio for proxy tests (started through SMART_DEBUG_ADAPTER_CMD).

- numbers its own messages from 1000, so a seq the proxy forgot to renumber stands out;
- answers `initialize` with one capability debugpy 1.8.22 lacks (`supportsRestartRequest`);
- on `launch`: sends `initialized`, then two reverse requests, `runInTerminal` (safe) and
  `evilCommand` (must be refused by the proxy), and reports the responses it gets as a
  `fake/reverseResponses` event; answers launch after `configurationDone`;
- `fake/seqs` answers the seq of every message it received from the proxy, in order;
- answers every other request with `{"sawSeq": <seq it received>}`; `disconnect` ends it.
"""

from __future__ import annotations

import os

from adapter_io import Out

from dap_proxy.wire.framing import FrameDecoder, FrameError

out = Out(first_seq=1000)
send, respond = out.send, out.respond
pending_launch: dict | None = None
reverse: dict[int, str] = {}
reverse_responses: list[dict] = []
received: list[int] = []  # seq of every message from the proxy, in order


def handle(message: dict) -> bool:
    global pending_launch
    received.append(message["seq"])
    if message["type"] == "response":
        reverse_responses.append(message)
        if len(reverse_responses) == 2:
            send(
                {
                    "type": "event",
                    "event": "fake/reverseResponses",
                    "body": {"responses": reverse_responses, "sent": reverse},
                }
            )
        return True
    command = message["command"]
    if command == "initialize":
        respond(message, {"supportsConfigurationDoneRequest": True, "supportsRestartRequest": True})
    elif command == "launch":
        pending_launch = message
        send({"type": "event", "event": "initialized"})
        for name in ("runInTerminal", "evilCommand"):
            sent = send(
                {
                    "type": "request",
                    "command": name,
                    "arguments": {"kind": "integrated", "args": ["true"], "cwd": "."},
                }
            )
            reverse[sent] = name
    elif command == "configurationDone":
        respond(message, {"sawSeq": message["seq"]})
        if pending_launch is not None:
            respond(pending_launch, {"sawArguments": pending_launch.get("arguments")})
    elif command == "fake/seqs":
        respond(message, {"received": received})
    elif command == "threads":
        respond(message, {"threads": [{"id": 1, "name": "main"}, {"id": 2, "name": "worker"}]})
    elif command == "disconnect":
        respond(message)
        return False
    else:
        respond(message, {"sawSeq": message["seq"]})
    return True


def main() -> None:
    decoder = FrameDecoder()
    while data := os.read(0, 65536):
        for item in decoder.feed(data):
            if isinstance(item, FrameError):
                continue
            if not handle(item):
                return


main()
