"""The session's API for rooms, in process over in-memory streams (fast, deterministic): rooms
passing, changing, consuming and answering messages in order, the guard that turns a room's
exception into a protocol value, the proxy's own requests to the adapter (responses never reach
the editor), its own events, and seq mapping both ways."""

from __future__ import annotations

import anyio
from anyio.abc import ByteReceiveStream, ByteSendStream

from dap_proxy.proxy.adapter import AdapterSide
from dap_proxy.proxy.rooms import Room
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


def make_session(*rooms: Room) -> tuple[Session, Sink, Sink]:
    editor_out, adapter_out = Sink(), Sink()
    session = Session(MessageChannel(Silent(), editor_out, name="editor"), rooms=rooms)
    session.adapter = AdapterSide(
        session, MessageChannel(Silent(), adapter_out, name="adapter"), "scripted adapter"
    )
    return session, editor_out, adapter_out


def _request(seq: int, command: str, **arguments: object) -> Message:
    return {"seq": seq, "type": "request", "command": command, "arguments": arguments}


class MergeProbe(Room):
    """Adds a probe to every setBreakpoints and strips it from the response by position."""

    name = "merge"

    async def setBreakpoints_request(self, request: Message) -> Message:
        request["arguments"]["breakpoints"].append({"line": 99, "logMessage": "x={x}"})
        return request

    async def setBreakpoints_response(self, response: Message) -> Message:
        response["body"]["breakpoints"] = response["body"]["breakpoints"][:-1]
        return response


class Recorder(Room):
    """Sees what the room before it passed on; answers `ping` itself; drops `noise` events."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[object] = []

    async def request(self, request: Message) -> Message:
        self.seen.append(request["arguments"].get("breakpoints"))
        return request

    async def ping_request(self, request: Message) -> None:
        await self.session.respond(request, {"pong": True})

    async def noise_event(self, event: Message) -> None:
        return None


class Broken(Room):
    name = "broken"

    async def threads_request(self, request: Message) -> Message:
        raise RuntimeError("boom")

    async def stopped_event(self, event: Message) -> Message:
        raise KeyError("body")


def test_rooms_change_what_is_forwarded_both_ways_in_order() -> None:
    recorder = Recorder()

    async def main() -> tuple[Sink, Sink]:
        session, editor_out, adapter_out = make_session(MergeProbe(), recorder)
        breakpoints = [{"line": 3}]
        await session.editor.on_message(_request(7, "setBreakpoints", breakpoints=breakpoints))
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
    # the second room saw the request as the first one left it
    assert recorder.seen == [[{"line": 3}, {"line": 99, "logMessage": "x={x}"}]]


def test_a_room_answers_or_consumes_and_the_adapter_never_sees_it() -> None:
    async def main() -> tuple[Sink, Sink]:
        session, editor_out, adapter_out = make_session(Recorder())
        await session.editor.on_message(_request(4, "ping"))
        await session.adapter.on_message(  # type: ignore[union-attr]
            {"seq": 9, "type": "event", "event": "noise", "body": {}}
        )
        await session.adapter.on_message(  # type: ignore[union-attr]
            {"seq": 10, "type": "event", "event": "output", "body": {"output": "hi\n"}}
        )
        return editor_out, adapter_out

    editor_out, adapter_out = anyio.run(main)
    assert adapter_out.messages == []
    assert [m.get("command") or m.get("event") for m in editor_out.messages] == ["ping", "output"]
    assert editor_out.messages[0]["body"] == {"pong": True}
    assert editor_out.messages[0]["request_seq"] == 4


def test_a_failing_room_gives_a_failed_response_or_an_output_and_the_event_goes_on() -> None:
    async def main() -> tuple[Sink, Sink]:
        session, editor_out, adapter_out = make_session(Broken())
        await session.editor.on_message(_request(5, "threads"))
        await session.adapter.on_message(  # type: ignore[union-attr]
            {"seq": 3, "type": "event", "event": "stopped", "body": {"threadId": 1}}
        )
        return editor_out, adapter_out

    editor_out, adapter_out = anyio.run(main)
    assert adapter_out.messages == []  # the failed request never reached the adapter
    failed, note, stopped = editor_out.messages
    assert failed["success"] is False and failed["request_seq"] == 5
    assert "broken room" in failed["message"] and "boom" in failed["message"]
    assert note["event"] == "output" and "broken room failed on 'stopped'" in note["body"]["output"]
    assert stopped["event"] == "stopped" and stopped["body"] == {"threadId": 1}


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
