"""The session's API for other rooms, in process over in-memory streams (fast, deterministic):
handlers plugged in by name (the breakpoints seam), the proxy's own requests to the adapter
(responses never reach the editor), its own events, and seq mapping both ways."""

from __future__ import annotations

import anyio
from anyio.abc import ByteReceiveStream, ByteSendStream

from dap_proxy.proxy.adapter import AdapterSide
from dap_proxy.proxy.session import Session
from dap_proxy.wire.channel import MessageChannel
from dap_proxy.wire.framing import FrameDecoder, Message


class Silent(ByteReceiveStream):
    async def receive(self, max_bytes: int = 65536) -> bytes:
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        pass


class Sink(ByteSendStream):
    """Decodes every frame written to it."""

    def __init__(self) -> None:
        self.decoder = FrameDecoder()
        self.messages: list[Message] = []

    async def send(self, item: bytes) -> None:
        for message in self.decoder.feed(item):
            assert isinstance(message, dict)
            self.messages.append(message)

    async def aclose(self) -> None:
        pass


def make_session() -> tuple[Session, Sink, Sink]:
    editor_out, adapter_out = Sink(), Sink()
    session = Session(MessageChannel(Silent(), editor_out, name="editor"))
    session.adapter = AdapterSide(
        session, MessageChannel(Silent(), adapter_out, name="adapter"), "scripted adapter"
    )
    return session, editor_out, adapter_out


def test_plugged_in_handlers_change_what_is_forwarded_both_ways() -> None:
    async def main() -> tuple[Sink, Sink]:
        session, editor_out, adapter_out = make_session()

        async def merge_probe(request: Message) -> None:
            request["arguments"]["breakpoints"].append({"line": 99, "logMessage": "x={x}"})
            await session.forward_request(request)

        async def strip_probe(response: Message) -> None:
            response["body"]["breakpoints"] = response["body"]["breakpoints"][:-1]
            await session.editor.send(response)

        session.on_editor_request("setBreakpoints", merge_probe)
        session.on_adapter_message("setBreakpoints_response", strip_probe)
        await session.editor.on_message(
            {
                "seq": 7,
                "type": "request",
                "command": "setBreakpoints",
                "arguments": {"source": {"path": "a.py"}, "breakpoints": [{"line": 3}]},
            }
        )
        [sent] = adapter_out.messages
        assert sent["seq"] == 1
        assert [b["line"] for b in sent["arguments"]["breakpoints"]] == [3, 99]
        await session.adapter.on_message(  # type: ignore[union-attr]
            {
                "seq": 40,
                "type": "response",
                "request_seq": 1,
                "command": "setBreakpoints",
                "success": True,
                "body": {"breakpoints": [{"line": 3}, {"line": 99}]},
            }
        )
        return editor_out, adapter_out

    editor_out, _ = anyio.run(main)
    [response] = editor_out.messages
    assert (response["seq"], response["request_seq"]) == (1, 7)
    assert response["body"]["breakpoints"] == [{"line": 3}]


def test_own_requests_are_answered_to_the_proxy_only_and_events_reach_the_editor() -> None:
    async def main() -> tuple[Message, Sink, Sink]:
        session, editor_out, adapter_out = make_session()
        result: dict[str, Message] = {}

        async def ask() -> None:
            result["response"] = await session.request_adapter("evaluate", {"expression": "n"})

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask)
            await anyio.wait_all_tasks_blocked()
            [own] = adapter_out.messages
            assert own["command"] == "evaluate" and own["arguments"] == {"expression": "n"}
            # an editor request in between keeps its own numbering on both sides
            await session.editor.on_message({"seq": 3, "type": "request", "command": "threads"})
            await session.adapter.on_message(  # type: ignore[union-attr]
                {
                    "seq": 50,
                    "type": "response",
                    "request_seq": own["seq"],
                    "command": "evaluate",
                    "success": True,
                    "body": {"result": "5"},
                }
            )
        await session.send_event("smartDebug/hypotheses", {"hypotheses": []})
        return result["response"], editor_out, adapter_out

    response, editor_out, adapter_out = anyio.run(main)
    assert response["body"] == {"result": "5"}
    assert [m["seq"] for m in adapter_out.messages] == [1, 2]
    assert [m.get("event") for m in editor_out.messages] == ["smartDebug/hypotheses"]
    assert editor_out.messages[0]["seq"] == 1


def test_own_request_without_adapter_is_a_failed_response() -> None:
    async def main() -> Message:
        session, _, _ = make_session()
        session.adapter = None
        return await session.request_adapter("threads")

    response = anyio.run(main)
    assert response["success"] is False and "no debug adapter" in response["message"]


OWN_REQUEST_TIMEOUT = 0.5  # seconds: short, so the test waits for the timeout itself


def test_an_unanswered_own_request_times_out_without_blocking_the_editor() -> None:
    """A peer that never answers the proxy's own request (a vanished remote): meanwhile the
    editor's requests still go out, the adapter's events and responses still come in, and the
    own request ends as a failed response after its timeout."""

    async def main() -> tuple[Message, Sink, Sink]:
        session, editor_out, adapter_out = make_session()
        adapter = session.adapter
        assert adapter is not None
        result: dict[str, Message] = {}

        async def ask() -> None:
            result["own"] = await session.request_adapter(
                "evaluate", {"expression": "n"}, timeout=OWN_REQUEST_TIMEOUT
            )

        async with anyio.create_task_group() as tg:
            tg.start_soon(ask)
            await anyio.wait_all_tasks_blocked()
            for seq in (3, 4):
                await session.editor.on_message(
                    {"seq": seq, "type": "request", "command": "threads"}
                )
            forwarded = adapter_out.messages[1:]
            await adapter.on_message({"seq": 9, "type": "event", "event": "output", "body": {}})
            await adapter.on_message(
                {"seq": 10, "type": "response", "request_seq": forwarded[0]["seq"],
                 "command": "threads", "success": True, "body": {"threads": []}}
            )  # fmt: skip
            assert "own" not in result  # all of that while the own request still waits
        return result["own"], editor_out, adapter_out

    own, editor_out, adapter_out = anyio.run(main)
    assert [m["command"] for m in adapter_out.messages] == ["evaluate", "threads", "threads"]
    assert [(m["type"], m.get("request_seq")) for m in editor_out.messages] == [
        ("event", None),
        ("response", 3),
    ]
    assert own["success"] is False and "no response within" in own["message"]
