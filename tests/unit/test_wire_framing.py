"""The incremental Content-Length decoder: good frames, every error kind, and fuzzing (no
exception escapes, errors are values, the decoder resynchronises)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "support"))
from wire_fuzz import cases, frames  # noqa: E402  (shared with bench/fuzz.py)

from dap_proxy.wire.framing import (  # noqa: E402
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


def test_oversized_frame_is_refused_at_header_time_without_buffering() -> None:
    decoder = FrameDecoder(max_frame=100)
    out = decoder.feed(b"Content-Length: 1000\r\n\r\n")  # the body has not come yet
    assert [e.kind for e in out] == [FrameErrorKind.TOO_LARGE]  # type: ignore[union-attr]
    assert "exceeds the maximum of 100" in out[0].message  # type: ignore[union-attr]
    assert decoder.feed(b"x" * 10) == [] and decoder.pending == 0
    assert decoder.feed(b"y" * 990) == []
    assert decoder.feed(encode_message(request(1))) == [request(1)]


def test_oversized_length_does_not_swallow_the_next_frame() -> None:
    """The declared length is never counted: decoding resumes at the next header line."""
    body = json.dumps(request(4, "next")).encode()
    data = frame(body, b"Content-Length: 99999999999") + encode_message(request(5))
    error, message = FrameDecoder(max_frame=1000).feed(data)
    assert isinstance(error, FrameError) and error.kind is FrameErrorKind.TOO_LARGE
    assert (error.seq, error.command) == (4, "next")  # answerable with a failed response
    assert message == request(5)


BROKEN_BODY = b'{"seq": 4, "type": "request", "command": "next"}'


@pytest.mark.parametrize(
    ("broken", "kind"),
    [
        # body shorter than declared: the next header lies inside the declared body
        (
            frame(BROKEN_BODY, b"Content-Length: 80"),
            FrameErrorKind.CUT_SHORT,
        ),
        # declared far beyond anything that will ever arrive
        (
            frame(BROKEN_BODY, b"Content-Length: 4000"),
            FrameErrorKind.CUT_SHORT,
        ),
        # a header block without a length
        (
            frame(BROKEN_BODY, b"Content-Lenght: 48"),
            FrameErrorKind.BAD_HEADER,
        ),
        # a cut header glued to its body
        (b"Content-Le" + BROKEN_BODY, FrameErrorKind.BAD_HEADER),
        # the header's blank line lost
        (
            b"Content-Length: 48\r\n" + BROKEN_BODY,
            FrameErrorKind.BAD_HEADER,
        ),
        # a byte deleted from the body: the body eats the next header's first byte
        (frame(BROKEN_BODY).replace(b", ", b",", 1), FrameErrorKind.CUT_SHORT),
    ],
)
def test_a_broken_frame_never_swallows_the_next_one(broken: bytes, kind: FrameErrorKind) -> None:
    good = encode_message(request(5))
    byte_by_byte = [bytes([b]) for b in broken + good]
    for pieces in ([broken + good], [broken, good], byte_by_byte):
        decoder = FrameDecoder(max_frame=5000)
        out = [item for piece in pieces for item in decoder.feed(piece)]
        assert out[-1] == request(5), out
        errors = [item for item in out if isinstance(item, FrameError)]
        assert [e.kind for e in errors] == [kind]
        assert decoder.pending == 0
        if pieces is not byte_by_byte or kind is FrameErrorKind.CUT_SHORT:
            # the dropped request is named (an error at header time sees only what has come)
            assert (errors[0].seq, errors[0].command) == (4, "next"), errors[0]
            assert "request seq 4, 'next'" in errors[0].message


def test_duplicated_header_drops_only_the_empty_frame() -> None:
    good = encode_message(request(6))
    header = good[: good.index(b"\r\n\r\n") + 4]
    out = FrameDecoder().feed(header + good)
    assert isinstance(out[0], FrameError) and out[0].kind is FrameErrorKind.CUT_SHORT
    assert out[1:] == [request(6)]
    same = good.replace(b"\r\n", b"\r\n" + header[:-2], 1)  # the same line twice: fine
    assert FrameDecoder().feed(same) == [request(6)]


def test_header_text_inside_a_json_string_is_data() -> None:
    """Inside valid JSON the header's CR LF is escaped, so it is never a place to restart."""
    message = {
        "seq": 1,
        "type": "event",
        "event": "output",
        "body": {"output": "Content-Length: 5\r\n\r\nhello"},
    }
    data = encode_message(message)
    decoder = FrameDecoder()
    assert decoder.feed(data[:40]) == [] and decoder.feed(data[40:]) == [message]


def test_lone_surrogates_round_trip() -> None:
    data = frame(b'{"seq": 1, "type": "event", "event": "output", "body": {"o": "\\ud800x"}}')
    [message] = FrameDecoder().feed(data)
    assert FrameDecoder().feed(encode_message(message)) == [message]  # type: ignore[arg-type]


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
    # after any garbage, the next clean frame is decoded
    assert decoder.feed(encode_message(request(9)))[-1] == request(9)


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
    exception, and every intact frame, wherever it follows a corrupted one, is decoded."""
    stream = b""
    for kind, seq in plan:
        body = json.dumps(request(seq)).encode()
        if kind == "ok":
            stream += frame(body)
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
    decoded = [item for item in out if isinstance(item, dict)]
    assert decoded == [request(seq) for kind, seq in plan if kind == "ok"]


@settings(max_examples=400, deadline=None)
@given(st.lists(frames(), max_size=12), st.integers(min_value=1, max_value=300))
def test_fuzz_corrupted_frames_never_raise_and_never_hide_the_next_frame(
    stream: list[bytes], split: int
) -> None:
    """Valid, corrupted (every kind in wire_fuzz.KINDS) and random frames, fed in pieces: nothing
    raises, every decoded message can be encoded again (the proxy forwards it), and a valid
    frame after all of it is decoded."""
    data = b"".join(stream) + encode_message(request(77))
    decoder = FrameDecoder(max_frame=2000)
    out: list[object] = []
    for start in range(0, len(data), split):
        out.extend(decoder.feed(data[start : start + split]))
    assert all(isinstance(item, (dict, FrameError)) for item in out)
    for item in out:
        if isinstance(item, dict):
            assert FrameDecoder().feed(encode_message(item)) == [item]
    assert out[-1] == request(77)


def test_seeded_corruptions_each_followed_by_a_valid_request() -> None:
    """The fuzz set of bench/fuzz.py, in process: the request after each corrupted one is
    decoded (>= 99% is the promise through the proxy; the decoder alone gets all)."""
    decoded = 0
    total = 0
    for case in cases(2000, seed=12):
        total += 1
        out = FrameDecoder().feed(case.corrupted + case.follower)
        decoded += any(isinstance(m, dict) and m["seq"] == case.follower_seq for m in out)
    assert decoded / total >= 0.99
