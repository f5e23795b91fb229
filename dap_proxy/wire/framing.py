"""Content-Length framing for DAP (spec: the DAP "Base protocol"; issue 2 section 2).

An incremental decoder: feed it bytes as they arrive, get back decoded messages (plain dicts)
and `FrameError` values. Errors are values, never exceptions, so a reader loop survives any
input: a bad header, an oversized frame, invalid JSON or a JSON value that is not a DAP message
are reported and the decoder resynchronises on the next `Content-Length` header.

No DAP command semantics here: a "DAP message" only means a JSON object with an integer `seq`
and a `type` of request/response/event.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

DEFAULT_MAX_FRAME = 64 * 1024 * 1024  # bytes: the largest body accepted (issue 2: 64 MiB)
MAX_HEADER = 16 * 1024  # bytes: a header block longer than this is garbage, not a header

_HEADER_END = b"\r\n\r\n"
_LENGTH_NAME = b"content-length"
_RESYNC_MARK = b"Content-Length:"
_MESSAGE_TYPES = frozenset(("request", "response", "event"))
# Used only on a body that failed to parse, to answer a broken request with a failed response.
_SEQ_RE = re.compile(rb'"seq"\s*:\s*(\d{1,15})')
_COMMAND_RE = re.compile(rb'"command"\s*:\s*"([A-Za-z0-9_/.\-]{1,100})"')
_TYPE_REQUEST_RE = re.compile(rb'"type"\s*:\s*"request"')

Message = dict[str, Any]

# Built once: json.dumps/json.loads with options construct a new coder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODER = json.JSONDecoder()


class FrameErrorKind(str, Enum):
    """What was wrong with a frame."""

    BAD_HEADER = "bad_header"  # no Content-Length, a non-numeric one, or an endless header
    TOO_LARGE = "too_large"  # Content-Length above the configured maximum
    INVALID_JSON = "invalid_json"  # body is not UTF-8 JSON
    NOT_A_MESSAGE = "not_a_message"  # JSON, but not an object with seq + type


@dataclass(frozen=True)
class FrameError:
    """A frame that could not be decoded. `seq`/`command` are set when the frame looked like a
    request whose seq could still be read, so the receiver can answer it with a failed response."""

    kind: FrameErrorKind
    message: str
    seq: int | None = None
    command: str | None = None

    @property
    def is_request(self) -> bool:
        return self.seq is not None


def encode_message(message: Message) -> bytes:
    """One complete frame (header + UTF-8 JSON body), ready for a single write."""
    body = _ENCODER.encode(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _parse_length(header: bytes) -> int | str:
    """The Content-Length value, or a reason string when the header block has none usable."""
    if header.startswith(b"Content-Length: "):  # the usual single header: no splitting
        text = header[16:]
        if text.isdigit():
            return int(text)
    length: int | str = "no Content-Length header"
    for line in header.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep or name.strip().lower() != _LENGTH_NAME:
            continue  # other headers are tolerated (the base protocol allows them)
        text = value.strip()
        if not text.isdigit():
            return f"Content-Length is not a number: {text[:40].decode('latin-1')!r}"
        length = int(text)
    return length


def _salvage_request(body: bytes) -> tuple[int | None, str | None]:
    """seq and command of a broken body that looks like a request, when they can be read."""
    if not _TYPE_REQUEST_RE.search(body):
        return None, None
    seq_match = _SEQ_RE.search(body)
    if seq_match is None:
        return None, None
    command_match = _COMMAND_RE.search(body)
    command = command_match.group(1).decode("ascii") if command_match else None
    return int(seq_match.group(1)), command


def decode_body(body: bytes) -> Message | FrameError:
    """Parse one frame body into a DAP message, or say why it is not one."""
    try:
        value = _DECODER.decode(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        seq, command = _salvage_request(body)
        return FrameError(
            FrameErrorKind.INVALID_JSON, f"frame body is not valid JSON: {exc}", seq, command
        )
    if not isinstance(value, dict):
        return FrameError(
            FrameErrorKind.NOT_A_MESSAGE,
            f"frame body is a JSON {type(value).__name__}, not a DAP message object",
        )
    seq = value.get("seq")
    kind = value.get("type")
    if kind not in _MESSAGE_TYPES or type(seq) is not int:
        readable_seq = seq if type(seq) is int else None
        command = value.get("command") if isinstance(value.get("command"), str) else None
        if kind != "request":
            readable_seq = None
        return FrameError(
            FrameErrorKind.NOT_A_MESSAGE,
            f"JSON object is not a DAP message (needs integer 'seq' and 'type' of "
            f"request/response/event; got type={kind!r}, seq={seq!r})",
            readable_seq,
            command,
        )
    if kind == "request" and not isinstance(value.get("command"), str):
        return FrameError(
            FrameErrorKind.NOT_A_MESSAGE, "request without a string 'command'", seq, None
        )
    return value


class FrameDecoder:
    """Incremental decoder: `feed(data)` returns the messages and errors completed by `data`."""

    __slots__ = ("_buffer", "_skip", "_max_frame")

    def __init__(self, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._skip = 0  # bytes of an oversized body still to discard without buffering
        self._max_frame = max_frame

    @property
    def pending(self) -> int:
        """Bytes held waiting for the rest of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Message | FrameError]:
        if self._skip:
            if len(data) <= self._skip:
                self._skip -= len(data)
                return []
            data = data[self._skip :]
            self._skip = 0
        buffer = self._buffer
        buffer += data
        out: list[Message | FrameError] = []
        start = 0
        while True:
            end = buffer.find(_HEADER_END, start)
            if end < 0:
                if len(buffer) - start > MAX_HEADER:
                    out.append(
                        FrameError(
                            FrameErrorKind.BAD_HEADER,
                            f"no end of header within {MAX_HEADER} bytes",
                        )
                    )
                    start = self._resync(buffer, start + 1)
                    continue
                break
            length = _parse_length(bytes(buffer[start:end]))
            if isinstance(length, str):
                out.append(FrameError(FrameErrorKind.BAD_HEADER, f"bad frame header: {length}"))
                # garbage glued to the front of a real header: restart at that header
                inner = buffer.find(_RESYNC_MARK, start + 1, end)
                start = inner if inner >= 0 else self._resync(buffer, end + len(_HEADER_END))
                continue
            body_start = end + len(_HEADER_END)
            if length > self._max_frame:
                out.append(
                    FrameError(
                        FrameErrorKind.TOO_LARGE,
                        f"frame of {length} bytes exceeds the maximum of {self._max_frame} bytes",
                    )
                )
                available = len(buffer) - body_start
                if available >= length:
                    start = body_start + length
                    continue
                self._skip = length - available
                start = len(buffer)
                break
            body_end = body_start + length
            if body_end > len(buffer):
                break
            out.append(decode_body(bytes(buffer[body_start:body_end])))
            start = body_end
        if start:
            del buffer[:start]
        return out

    @staticmethod
    def _resync(buffer: bytearray, start: int) -> int:
        """Where the next plausible header begins after garbage (keep a possible partial mark)."""
        start = max(start, 0)
        found = buffer.find(_RESYNC_MARK, start)
        if found >= 0:
            return found
        return max(start, len(buffer) - len(_RESYNC_MARK) + 1)
