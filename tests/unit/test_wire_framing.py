"""The incremental Content-Length decoder: good frames, every error kind, and fuzzing (no
exception escapes, errors are values, the decoder resynchronises)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dap_proxy.wire.framing import (
    MAX_HEADER,
    FrameDecoder,
    FrameError,
    FrameErrorKind,
    encode_message,
)


def frame(body: bytes, header: bytes | None = None) -> bytes:
    head = header if header is not None else b"Content-Length: %d" % len(body)
    return head + b"\r\n\r\n" + body


def request(seq: int, command: str = "threads") -> dict:
    return {"seq": seq, "type": "request", "command": command}


def test_round_trip_byte_by_byte_and_unicode() -> None:
    messages = [request(1), {"seq": 2, "type": "event", "event": "output", "body": {"o": "é→✓"}}]
    data = b"".join(encode_message(m) for m in messages)
    decoder = FrameDecoder()
    out = []
    for byte in data:
        out.extend(decoder.feed(bytes([byte])))
    assert out == messages
    assert decoder.pending == 0


def test_content_length_counts_utf8_bytes() -> None:
    encoded = encode_message({"seq": 1, "type": "event", "event": "é"})
    header, body = encoded.split(b"\r\n\r\n")
    assert int(header.split(b":")[1]) == len(body) > len(body.decode())


def test_other_headers_are_tolerated() -> None:
    body = json.dumps(request(3)).encode()
    data = frame(body, b"Content-Type: application/json\r\ncontent-length:   %d" % len(body))
    assert FrameDecoder().feed(data) == [request(3)]


@pytest.mark.parametrize(
    ("data", "kind", "text"),
    [
        (frame(b"{}", b"Content-Type: x"), FrameErrorKind.BAD_HEADER, "no Content-Length"),
        (frame(b"{}", b"Content-Length: 1e3"), FrameErrorKind.BAD_HEADER, "not a number"),
        (frame(b"{nope"), FrameErrorKind.INVALID_JSON, "not valid JSON"),
        (frame(b"\xff\xfe{}"), FrameErrorKind.INVALID_JSON, "not valid JSON"),
        (frame(b"[1, 2]"), FrameErrorKind.NOT_A_MESSAGE, "JSON list"),
        (frame(b'{"seq": 1}'), FrameErrorKind.NOT_A_MESSAGE, "not a DAP message"),
        (frame(b'{"seq": "1", "type": "event"}'), FrameErrorKind.NOT_A_MESSAGE, "seq='1'"),
        (frame(b'{"seq": 1, "type": "request"}'), FrameErrorKind.NOT_A_MESSAGE, "command"),
    ],
)
def test_errors_are_values_and_decoding_goes_on(
    data: bytes, kind: FrameErrorKind, text: str
) -> None:
    good = encode_message(request(5))
    out = FrameDecoder().feed(data + good)
    assert isinstance(out[0], FrameError)
    assert out[0].kind is kind and text in out[0].message
    assert out[-1] == request(5)


def test_broken_request_keeps_a_readable_seq() -> None:
    [error] = FrameDecoder().feed(frame(b'{"seq": 42, "type": "request", "command": "next", x'))
    assert isinstance(error, FrameError)
    assert (error.seq, error.command, error.is_request) == (42, "next", True)
    [event] = FrameDecoder().feed(frame(b'{"seq": 42, "type": "event", x'))
    assert isinstance(event, FrameError) and event.seq is None


def test_oversized_frame_is_skipped_without_buffering() -> None:
    decoder = FrameDecoder(max_frame=100)
    out = decoder.feed(b"Content-Length: 1000\r\n\r\n" + b"x" * 10)
    assert [e.kind for e in out] == [FrameErrorKind.TOO_LARGE]  # type: ignore[union-attr]
    assert "exceeds the maximum of 100" in out[0].message  # type: ignore[union-attr]
    assert decoder.pending == 0
    assert decoder.feed(b"y" * 990) == []
    assert decoder.feed(encode_message(request(1))) == [request(1)]


def test_endless_header_is_reported() -> None:
    decoder = FrameDecoder()
    out = decoder.feed(b"X" * (MAX_HEADER + 10))
    assert [e.kind for e in out] == [FrameErrorKind.BAD_HEADER]  # type: ignore[union-attr]
    assert decoder.pending < 20
    # the garbage tail kept in case it was the start of a header is reported, then decoding resumes
    assert decoder.feed(encode_message(request(2)))[-1] == request(2)


def test_truncated_frame_waits_for_the_rest() -> None:
    data = encode_message(request(7))
    decoder = FrameDecoder()
    assert decoder.feed(data[:-3]) == []
    assert decoder.feed(data[-3:]) == [request(7)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_fuzz_random_bytes_never_raise(chunks: list[bytes]) -> None:
    decoder = FrameDecoder(max_frame=1000)
    for chunk in chunks:
        for item in decoder.feed(chunk):
            assert isinstance(item, (dict, FrameError))
    # after any garbage, a clean frame that starts after a header boundary is still decoded
    tail = decoder.feed(b"\r\n\r\n" + encode_message(request(9)))
    assert isinstance(tail, list)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ok", "short", "long", "garbage", "nonnumeric"]),
            st.integers(min_value=1, max_value=10_000),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=1, max_value=64),
)
def test_fuzz_wrong_lengths_and_truncation(plan: list[tuple[str, int]], split: int) -> None:
    """Frames with lengths too short or too long, garbage and bad headers, fed in pieces: no
    exception, and every intact frame that follows a corrupted one is decoded or reported."""
    stream = b""
    good = 0
    for kind, seq in plan:
        body = json.dumps(request(seq)).encode()
        if kind == "ok":
            stream += frame(body)
            good += 1
        elif kind == "short":
            stream += frame(body, b"Content-Length: %d" % (len(body) - 3))
        elif kind == "long":
            stream += frame(body, b"Content-Length: %d" % (len(body) + 3))
        elif kind == "garbage":
            stream += body
        else:
            stream += frame(body, b"Content-Length: many")
    decoder = FrameDecoder(max_frame=5000)
    out: list[object] = []
    for start in range(0, len(stream), split):
        out.extend(decoder.feed(stream[start : start + split]))
    assert all(isinstance(item, (dict, FrameError)) for item in out)
    if all(kind == "ok" for kind, _ in plan):
        assert out == [request(seq) for _, seq in plan]
    assert sum(isinstance(item, dict) for item in out) <= good
