"""The synchronous DAP client against a scripted peer on a socket pair: correlation of
responses, events that arrive before the wait, reverse requests, errors and timeouts."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest

from dap_proxy.wire.client import (
    DapClient,
    DapConnectionClosed,
    DapRequestFailed,
    DapTimeout,
)
from dap_proxy.wire.framing import FrameDecoder, encode_message

SHORT_TIMEOUT = 0.2  # seconds: for the timeout test only (nothing will ever arrive)
PEER_EXIT_TIMEOUT = 5.0  # seconds: the scripted peer notices the client closed


class ScriptedPeer:
    """The far end: answers requests in reverse order of arrival for pairs, sends events."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.received: list[dict] = []
        self.seq = 0
        self.lock = threading.Lock()
        self.got = threading.Condition(self.lock)
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def send(self, message: dict) -> None:
        with self.lock:
            self.seq += 1
            self.sock.sendall(encode_message({"seq": self.seq, **message}))

    def loop(self) -> None:
        decoder = FrameDecoder()
        while data := self.sock.recv(65536):
            for message in decoder.feed(data):
                assert isinstance(message, dict)
                with self.got:
                    self.received.append(message)
                    self.got.notify_all()
                self.handle(message)

    def handle(self, message: dict) -> None:
        if message["type"] != "request":
            return
        command = message["command"]
        if command == "fail":
            self.respond(message, success=False, text="it failed on purpose")
        elif command == "emit":
            self.send({"type": "event", "event": "tick", "body": {"n": 1}})
            self.send({"type": "event", "event": "tick", "body": {"n": 2}})
            self.respond(message)
        elif command == "ask":
            self.send({"type": "request", "command": "runInTerminal", "arguments": {"args": ["x"]}})
            self.respond(message)
        elif command == "silent":
            pass
        elif command == "bye":
            self.respond(message)
            self.sock.shutdown(socket.SHUT_RDWR)
        else:
            self.respond(message, body={"echo": message.get("arguments")})

    def respond(self, request: dict, success: bool = True, text: str = "", body=None) -> None:
        response = {"type": "response", "request_seq": request["seq"], "success": success}
        response["command"] = request["command"]
        if text:
            response["message"] = text
        if body is not None:
            response["body"] = body
        self.send(response)


@pytest.fixture
def pair() -> Iterator[tuple[DapClient, ScriptedPeer]]:
    left, right = socket.socketpair()
    peer = ScriptedPeer(right)

    def close() -> None:
        left.shutdown(socket.SHUT_RDWR)  # wakes the reader thread blocked in recv
        left.close()

    client = DapClient(left.recv, left.sendall, close, name="test")
    yield client, peer
    client.close()
    # The client's close shuts its end down, so the peer's recv returns b"" and its loop ends;
    # closing `right` under a recv still in progress would raise EBADF in that thread.
    peer.thread.join(PEER_EXIT_TIMEOUT)
    assert not peer.thread.is_alive(), "the scripted peer did not see the client close"
    right.close()


def test_request_response_and_out_of_order_waits(pair) -> None:
    client, _ = pair
    first = client.send_request("one", {"a": 1})
    second = client.send_request("two", {"b": 2})
    assert client.wait_response(second)["body"] == {"echo": {"b": 2}}
    assert client.wait_response(first)["body"] == {"echo": {"a": 1}}
    assert client.request("three", check=True)["request_seq"] == second + 1


def test_failed_request_raises_only_when_checked(pair) -> None:
    client, _ = pair
    assert client.request("fail")["success"] is False
    with pytest.raises(DapRequestFailed, match="it failed on purpose"):
        client.request("fail", check=True)


def test_events_that_arrived_before_the_wait_are_not_missed(pair) -> None:
    client, _ = pair
    client.request("emit", check=True)  # both events are in before we wait
    assert client.wait_event("tick")["body"] == {"n": 1}
    assert client.wait_event("tick")["body"] == {"n": 2}
    assert client.wait_event("tick", since=0)["body"] == {"n": 1}
    mark = client.mark()
    with pytest.raises(DapTimeout, match="no 'tick' event"):
        client.wait_event("tick", since=mark, timeout=SHORT_TIMEOUT)
    assert client.wait_event("tick", lambda e: e["body"]["n"] == 2, since=0)["body"]["n"] == 2


def test_reverse_request_handler_and_refusal(pair) -> None:
    client, peer = pair

    def answers(predicate):
        with peer.got:
            peer.got.wait_for(lambda: any(predicate(m) for m in peer.received), timeout=5)
        return [m for m in peer.received if predicate(m)]

    client.request("ask", check=True)
    [refused] = answers(lambda m: m["type"] == "response")
    assert refused["success"] is False and "runInTerminal" in refused["message"]

    client.reverse_request_handler = lambda request: {"processId": 1234}
    client.request("ask", check=True)
    responses = answers(lambda m: m["type"] == "response" and m.get("success"))
    assert responses[0]["body"] == {"processId": 1234}
    assert responses[0]["request_seq"] == client.reverse_requests[1]["seq"]
    assert json.dumps(responses[0])  # plain JSON


def test_timeout_and_connection_closed(pair) -> None:
    client, _ = pair
    with pytest.raises(DapTimeout, match="no response"):
        client.request("silent", timeout=SHORT_TIMEOUT)
    client.request("bye", check=True)
    client.wait_closed()
    with pytest.raises(DapConnectionClosed):
        client.wait_event("never")
