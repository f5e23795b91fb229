"""Content-Length framing for DAP (spec: the DAP "Base protocol").

An incremental decoder: feed it bytes as they arrive, get back decoded messages (plain dicts)
and `FrameError` values. Errors are values, never exceptions, so a reader loop survives any
input.

A frame that cannot be read as declared never takes the frames after it down with it: the
decoder drops it and starts again at the next header line it finds. That rests on one fact: the
line `Content-Length: <digits>` + CRLF cannot occur inside a valid JSON body (the name could
only sit inside a string, and a JSON string cannot hold a raw CR or LF). Hence:
- a header line inside a declared body means the body was cut short (a deleted byte, a wrong
  length, a duplicated or cut header): the frame is dropped and decoding restarts at that line,
  as soon as it is seen (a length that is too long would otherwise wait for bytes that never
  come, while the editor waits for its answer);
- a malformed header block (no length, two different lengths, a line that is not a header)
  restarts at the last header line inside it; without one, the bytes after it are dropped up to
  the next header line;
- a length above the maximum is refused as soon as the header is read; its body is dropped
  (never buffered) up to the next header line.
A body of the declared length that is not valid JSON and holds no header line is one dropped
frame. Each dropped frame is one `FrameError` saying what was dropped; when the dropped bytes
show a request whose seq can be read, the error carries that seq (and command) so the receiver
can answer it with a failed response.

No DAP command semantics here: a "DAP message" only means a JSON object with an integer `seq`
and a `type` of request/response/event.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

DEFAULT_MAX_FRAME = 64 * 1024 * 1024  # bytes: the largest body accepted (64 MiB)
MAX_HEADER = 16 * 1024  # bytes: a header block longer than this is garbage, not a header
SALVAGE_WINDOW = 64 * 1024  # bytes of a dropped frame searched for its request's seq

_HEADER_END = b"\r\n\r\n"
_LENGTH_NAME = b"content-length"
_MARK = b"Content-Length:"
# Where a frame can start again. Bounded blanks and digits, so a cut line is recognisable from
# a short tail (_LINE_MAX) and the search never backtracks far.
_HEADER_LINE = re.compile(rb"Content-Length:[ \t]{0,8}\d{1,20}[ \t]{0,8}\r\n")
_HEADER_LINE_START = re.compile(rb"Content-Length:[ \t]{0,8}\d{0,20}[ \t]{0,8}\r?")
_LINE_MAX = len(_MARK) + 8 + 20 + 8 + 2
# One header field (RFC 9110 token, then a value without control characters).
_FIELD = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*")
_MESSAGE_TYPES = frozenset(("request", "response", "event"))
# Used only on dropped bytes, to answer a broken request with a failed response.
_SEQ_RE = re.compile(rb'"seq"\s*:\s*(\d{1,15})')
_COMMAND_RE = re.compile(rb'"command"\s*:\s*"([A-Za-z0-9_/.\-]{1,100})"')
_TYPE_REQUEST_RE = re.compile(rb'"type"\s*:\s*"request"')

Message = dict[str, Any]

# Built once: json.dumps/json.loads with options construct a new coder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_ASCII_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))
_DECODER = json.JSONDecoder()


class FrameErrorKind(str, Enum):
    """What was wrong with a frame."""

    BAD_HEADER = "bad_header"  # no Content-Length, a non-numeric one, or an endless header
    TOO_LARGE = "too_large"  # Content-Length above the configured maximum
    CUT_SHORT = "cut_short"  # a new header line began inside the declared body
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
    try:
        body = _ENCODER.encode(message).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (JSON may carry "\ud800", and then so does the decoded str): escape
        # it again as it arrived; UTF-8 cannot hold it.
        body = _ASCII_ENCODER.encode(message).encode("ascii")
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _parse_header(header: bytes) -> int | str:
    """The Content-Length value, or a reason string when the header block is not usable."""
    if header.startswith(b"Content-Length: "):  # the usual single header: no splitting
        text = header[16:]
        if text.isdigit():
            return int(text)
    length: int | None = None
    for line in header.split(b"\r\n"):
        field = _FIELD.fullmatch(line)
        if field is None:
            return f"not a header line: {line[:40].decode('latin-1')!r}"
        name, value = field.groups()
        if name.lower() != _LENGTH_NAME:
            if _MARK in value:  # a header glued behind another one
                return f"not a header line: {line[:40].decode('latin-1')!r}"
            continue  # other headers are tolerated (the base protocol allows them)
        if not value.isdigit():
            return f"Content-Length is not a number: {value[:40].decode('latin-1')!r}"
        if length is not None and int(value) != length:
            return f"two different Content-Length values ({length} and {int(value)})"
        length = int(value)
    return "no Content-Length header" if length is None else length


def _salvage_request(body: bytes) -> tuple[int | None, str | None]:
    """seq and command of dropped bytes that look like a request, when they can be read."""
    body = body[:SALVAGE_WINDOW]
    if not _TYPE_REQUEST_RE.search(body):
        return None, None
    seq_match = _SEQ_RE.search(body)
    if seq_match is None:
        return None, None
    command_match = _COMMAND_RE.search(body)
    command = command_match.group(1).decode("ascii") if command_match else None
    return int(seq_match.group(1)), command


def _dropped(kind: FrameErrorKind, text: str, dropped: bytes) -> FrameError:
    """An error for dropped bytes, naming the request they held when it can be read."""
    seq, command = _salvage_request(dropped)
    if seq is not None:
        text += f" (it held request seq {seq}" + (f", {command!r})" if command else ")")
    return FrameError(kind, text, seq, command)


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


def _header_line(buffer: bytearray, start: int, end: int | None = None) -> int:
    """Where the first header line at or after `start` begins (-1: none), the whole line lying
    before `end`."""
    found = _HEADER_LINE.search(buffer, start, len(buffer) if end is None else end)
    return -1 if found is None else found.start()


def _last_header_line(buffer: bytearray, start: int, end: int) -> int:
    last = -1
    for found in _HEADER_LINE.finditer(buffer, start, end):
        last = found.start()
    return last


def _cut_header_line(buffer: bytearray, start: int, end: int) -> int:
    """Where, between `start` and `end`, a header line may begin that the end of the buffer cut
    (its rest not received yet); -1 when none can."""
    candidate = buffer.find(b"C", max(start, len(buffer) - _LINE_MAX), end)
    while candidate >= 0:
        tail = bytes(buffer[candidate:])
        if len(tail) <= len(_MARK):
            if _MARK.startswith(tail):
                return candidate
        elif _HEADER_LINE_START.fullmatch(tail):
            return candidate
        candidate = buffer.find(b"C", candidate + 1, end)
    return -1


class FrameDecoder:
    """Incremental decoder: `feed(data)` returns the messages and errors completed by `data`."""

    __slots__ = ("_buffer", "_discarding", "_scanned", "_max_frame")

    def __init__(self, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._discarding = False  # dropping bytes up to the next header line
        self._scanned = 0  # how far the pending frame's partial body was searched for a header
        self._max_frame = max_frame

    @property
    def pending(self) -> int:
        """Bytes held waiting for the rest of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Message | FrameError]:
        buffer = self._buffer
        buffer += data
        out: list[Message | FrameError] = []
        start = 0
        scanned, self._scanned = self._scanned, 0  # applies to the pending frame only
        while True:
            if self._discarding:
                found = _header_line(buffer, start)
                if found < 0:  # keep only a tail that may be a cut header line
                    cut = _cut_header_line(buffer, start, len(buffer))
                    start = cut if cut >= 0 else len(buffer)
                    break
                start, self._discarding = found, False
            end = buffer.find(_HEADER_END, start)
            if end < 0:
                if len(buffer) - start > MAX_HEADER:
                    out.append(
                        FrameError(
                            FrameErrorKind.BAD_HEADER,
                            f"no end of header within {MAX_HEADER} bytes; dropped up to the "
                            "next Content-Length header",
                        )
                    )
                    start, self._discarding = start + 1, True
                    continue
                break
            body_start = end + len(_HEADER_END)
            length = _parse_header(bytes(buffer[start:end]))
            if isinstance(length, str) or length > self._max_frame:
                start = self._refuse_header(buffer, start, end, length, out)
                continue
            body_end = body_start + length
            if body_end > len(buffer):  # not all here yet, unless a new frame began inside
                inner = _header_line(buffer, max(body_start, scanned))
                if inner < 0:
                    self._scanned = max(body_start, len(buffer) - _LINE_MAX)
                    break
                out.append(self._cut_short(buffer, body_start, inner, length))
                start, scanned = inner, 0
                continue
            scanned = 0
            item = decode_body(bytes(buffer[body_start:body_end]))
            if isinstance(item, FrameError) and item.kind is FrameErrorKind.INVALID_JSON:
                inner = _header_line(buffer, body_start, body_end + _LINE_MAX)
                if 0 <= inner < body_end:
                    out.append(self._cut_short(buffer, body_start, inner, length))
                    start = inner
                    continue
                if _cut_header_line(buffer, body_start, body_end) >= 0:
                    break  # the next bytes tell whether a header line began inside this body
            out.append(item)
            start = body_end
        if start:
            del buffer[:start]
            self._scanned = max(self._scanned - start, 0)
        return out

    def _refuse_header(
        self,
        buffer: bytearray,
        start: int,
        end: int,
        length: int | str,
        out: list[Message | FrameError],
    ) -> int:
        """Drop a frame whose header cannot be used; returns where decoding goes on."""
        body_start = end + len(_HEADER_END)
        if isinstance(length, str):
            restart = _last_header_line(buffer, start + 1, end + 2)
            if restart >= 0:  # garbage glued to the front of a real header
                out.append(
                    _dropped(
                        FrameErrorKind.BAD_HEADER,
                        f"bad frame header ({length}); dropped {restart - start} bytes up to "
                        "the next Content-Length header",
                        bytes(buffer[start:restart]),
                    )
                )
                return restart
            kind, text = FrameErrorKind.BAD_HEADER, f"bad frame header ({length})"
        else:
            kind = FrameErrorKind.TOO_LARGE
            text = f"frame of {length} bytes exceeds the maximum of {self._max_frame} bytes"
        # The body's length is unknown or refused: drop what follows up to the next header.
        stop = _header_line(buffer, body_start, body_start + SALVAGE_WINDOW)
        seen = bytes(buffer[body_start : stop if stop >= 0 else body_start + SALVAGE_WINDOW])
        out.append(_dropped(kind, f"{text}; dropped it up to the next Content-Length header", seen))
        self._discarding = True
        return body_start

    @staticmethod
    def _cut_short(buffer: bytearray, body_start: int, inner: int, length: int) -> FrameError:
        return _dropped(
            FrameErrorKind.CUT_SHORT,
            f"frame body cut short: a Content-Length header begins {inner - body_start} bytes "
            f"into a body declared as {length} bytes; dropped those {inner - body_start} bytes",
            bytes(buffer[body_start:inner]),
        )
