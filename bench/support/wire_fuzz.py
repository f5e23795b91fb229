"""Corrupted DAP frames for the wire fuzz (bench/fuzz.py, tests/e2e/test_wire_fuzz.py,
tests/unit/test_wire_framing.py).

`cases(n, seed)` yields n seeded cases: one valid editor request with a single corruption (a byte
flipped, bytes deleted or inserted in its header or its body, its header duplicated or cut, the
frame cut off), followed by a valid request that must still be answered. `run_proxy_fuzz` sends
them to a real `python -m dap_proxy` over stdio, a trivial adapter behind it, and counts how many
of those valid requests got their answer. `frames()` is the hypothesis strategy for the in-process
fuzz: streams of valid, corrupted and random frames.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from dap_proxy.wire.client import DapClient, DapConnectionClosed, DapTimeout
from dap_proxy.wire.framing import encode_message

ECHO_ADAPTER = Path(__file__).resolve().with_name("echo_adapter.py")
REPO = Path(__file__).resolve().parents[2]
ANSWER_TIMEOUT = 3.0  # seconds: the proxy answers a request to the echo adapter in ~1 ms
FOLLOWER_SEQ = 1_000_000_000  # the valid requests' seq numbers start here: no corruption of a
# small seq reaches them, so an answer to the follower is never mistaken for another

REQUESTS: tuple[tuple[str, dict[str, object] | None], ...] = (
    ("threads", None),
    ("stackTrace", {"threadId": 1, "startFrame": 0, "levels": 20}),
    ("scopes", {"frameId": 7}),
    ("variables", {"variablesReference": 12, "count": 100}),
    ("evaluate", {"expression": "total + 1", "frameId": 3, "context": "watch"}),
    ("evaluate", {"expression": "naïve_sum ≥ 1 and 'é' in name", "context": "hover"}),
    (
        "setBreakpoints",
        {
            "source": {"path": "/home/user/project/app.py"},
            "breakpoints": [{"line": 3}, {"line": 9, "condition": "i == 2"}],
        },
    ),
    ("setExceptionBreakpoints", {"filters": ["uncaught"]}),
    ("exceptionInfo", {"threadId": 1}),
    ("source", {"sourceReference": 4}),
)

KINDS = (
    "flip-header",
    "flip-body",
    "delete-header",
    "delete-body",
    "insert-header",
    "insert-body",
    "duplicate-header",
    "cut-header",
    "cut-frame",
)
_NOISE = b'Content-Length: 0123456789\r\n{}[]":,abc \xff\x00'


def request_frame(seq: int, command: str, arguments: dict[str, object] | None) -> bytes:
    message: dict[str, object] = {"seq": seq, "type": "request", "command": command}
    if arguments is not None:
        message["arguments"] = arguments
    return encode_message(message)


def _noise(rng: random.Random, size: int) -> bytes:
    """Random bytes, half of them from the bytes that matter to framing and JSON."""
    return bytes(
        rng.choice(_NOISE) if rng.random() < 0.5 else rng.randrange(256) for _ in range(size)
    )


def corrupt(frame: bytes, kind: str, rng: random.Random) -> bytes:
    """`frame` with one corruption of `kind` (one of KINDS)."""
    header_end = frame.index(b"\r\n\r\n") + 4
    header, body = frame[:header_end], frame[header_end:]
    if kind == "duplicate-header":
        if rng.random() < 0.5:
            return header + frame  # the whole header block twice
        line = header[:-2]  # "Content-Length: N\r\n" twice, once with another value
        other = b"Content-Length: %d\r\n" % (len(body) + rng.choice((-7, -1, 1, 7)))
        return (line + other + b"\r\n" + body) if rng.random() < 0.5 else (other + frame)
    if kind == "cut-header":
        return header[: rng.randrange(len(header) - 1)] + body
    if kind == "cut-frame":
        return frame[: rng.randrange(1, len(frame) - 1)]
    in_header = kind.endswith("-header")
    region = header if in_header else body
    at = rng.randrange(len(region))
    if kind.startswith("flip"):
        changed = region[:at] + bytes([region[at] ^ rng.randrange(1, 256)]) + region[at + 1 :]
    elif kind.startswith("delete"):
        changed = region[:at] + region[at + rng.randint(1, 4) :]
    else:
        changed = region[:at] + _noise(rng, rng.randint(1, 4)) + region[at:]
    return changed + body if in_header else header + changed


@dataclass(frozen=True)
class Case:
    kind: str
    corrupted: bytes
    follower_seq: int
    follower_command: str
    follower: bytes


def cases(count: int, seed: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for n in range(count):
        command, arguments = rng.choice(REQUESTS)
        kind = KINDS[n % len(KINDS)]
        corrupted = corrupt(request_frame(n + 1, command, arguments), kind, rng)
        follower_command, follower_arguments = rng.choice(REQUESTS)
        seq = FOLLOWER_SEQ + n
        follower = request_frame(seq, follower_command, follower_arguments)
        yield Case(kind, corrupted, seq, follower_command, follower)


@dataclass
class FuzzResult:
    cases: int = 0
    answered: int = 0
    restarts: int = 0  # the proxy was restarted after a missed answer, so cases stay independent
    tracebacks: int = 0
    crashed: int = 0  # the proxy process was gone after a case
    missed: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def ratio(self) -> float:
        return self.answered / self.cases if self.cases else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "answered": self.answered,
            "ratio": round(self.ratio, 5),
            "restarts": self.restarts,
            "tracebacks": self.tracebacks,
            "crashed": self.crashed,
            "missed_by_kind": dict(self.missed),
            "seconds": round(self.seconds, 2),
        }


def _start_proxy() -> DapClient:
    env = {
        **os.environ,
        "SMART_DEBUG_ADAPTER_CMD": json.dumps([sys.executable, str(ECHO_ADAPTER)]),
        "PYTHONUNBUFFERED": "1",
    }
    client = DapClient.spawn([sys.executable, "-m", "dap_proxy"], env=env, cwd=str(REPO))
    client.request("initialize", {"adapterID": "smart-debug"}, check=True)
    launch = client.send_request("launch", {"program": "fuzz.py"})
    client.wait_event("initialized")
    client.request("configurationDone", check=True)
    client.wait_response(launch, check=True)
    return client


def _finish(client: DapClient, result: FuzzResult) -> None:
    """Disconnect and count a traceback in the proxy's stderr."""
    if client.process is not None and client.process.poll() is None:
        try:
            client.request("disconnect", {}, timeout=ANSWER_TIMEOUT)
            client.wait_closed(ANSWER_TIMEOUT)
        except (DapTimeout, DapConnectionClosed):
            pass
    client.close()
    if any("Traceback" in line for line in client.stderr_lines):
        result.tracebacks += 1


def run_proxy_fuzz(count: int, seed: int) -> FuzzResult:
    """Send `count` cases to one proxy process (restarted after a missed answer)."""
    result = FuzzResult()
    started = time.perf_counter()
    client = _start_proxy()
    try:
        for case in cases(count, seed):
            result.cases += 1
            client.send_raw(case.corrupted + case.follower)
            try:
                response = client.wait_response(case.follower_seq, timeout=ANSWER_TIMEOUT)
                answered = response.get("command") == case.follower_command
            except (DapTimeout, DapConnectionClosed):
                answered = False
            if answered:
                result.answered += 1
                continue
            result.missed[case.kind] += 1
            if client.process is not None and client.process.poll() is not None:
                result.crashed += 1
            _finish(client, result)
            result.restarts += 1
            client = _start_proxy()
    finally:
        _finish(client, result)
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------- hypothesis strategies
_KEYS = st.sampled_from(("threadId", "expression", "path", "line", "breakpoints", "é", ""))
_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
_VALUES = _LEAVES | st.lists(_LEAVES, max_size=4) | st.dictionaries(_KEYS, _LEAVES, max_size=3)
_messages = st.fixed_dictionaries(
    {
        "seq": st.integers(min_value=0, max_value=2**40),
        "type": st.sampled_from(["request", "response", "event"]),
        "command": st.sampled_from([name for name, _ in REQUESTS] + ["x/y"]),
    },
    optional={"arguments": st.dictionaries(_KEYS, _VALUES, max_size=4)},
)


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    """One frame: valid, corrupted in one of the KINDS, or random bytes."""
    how = draw(st.sampled_from(("valid", "corrupt", "corrupt", "random")))
    if how == "random":
        return draw(st.binary(max_size=300))
    frame = encode_message(draw(_messages))
    if how == "valid":
        return frame
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    return corrupt(frame, draw(st.sampled_from(KINDS)), rng)
