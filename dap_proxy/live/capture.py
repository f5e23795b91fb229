"""Evidence at a stop: the top frames, the top frame's locals (bounded and redacted) and, for an
exception, debugpy's exceptionInfo; read with the same requests the editor sends after a stop,
shared with the editor's identical ones so neither pays twice and the editor never waits behind
us (an editor request that matches one of ours in flight waits for ours, which is ahead of it in
debugpy's queue anyway; one of ours that matches the editor's waits for the editor's answer).

The cache lives for one stop: anything that resumes the program or may change its state
(continue, steps, setVariable, evaluate, ...) empties it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio

from dap_proxy.hypotheses.redaction import redact_obj
from dap_proxy.wire.framing import Message

if TYPE_CHECKING:
    from dap_proxy.proxy.session import Session

SHARED_COMMANDS = frozenset({"threads", "stackTrace", "scopes", "variables", "exceptionInfo"})
RESUMING = frozenset(
    {
        "continue",
        "next",
        "stepIn",
        "stepOut",
        "stepBack",
        "reverseContinue",
        "goto",
        "restartFrame",
        "restart",
        "setVariable",
        "setExpression",
        "evaluate",
        "terminate",
        "disconnect",
        "pause",
    }
)
STACK_LEVELS = 20  # what VS Code asks for first
MAX_LOCALS = 40
MAX_VALUE_CHARS = 200
CAPTURE_TIMEOUT = 10.0  # seconds per request of ours


def _key(command: str, arguments: Any) -> str:
    return command + json.dumps(arguments, sort_keys=True, default=str)


@dataclass
class _Pending:
    done: anyio.Event = field(default_factory=anyio.Event)
    response: Message | None = None
    editors: list[Message] = field(default_factory=list)  # editor requests waiting for ours


class SharedRequests:
    """One stop's stackTrace/scopes/variables answers, shared between the editor and us."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, Message] = {}
        self._ours: dict[str, _Pending] = {}  # ours in flight
        self._editors: dict[str, _Pending] = {}  # the editor's in flight
        self._editor_keys: dict[int, str] = {}  # editor seq -> key
        self.shared = 0  # requests answered without a second round trip

    def clear(self) -> None:
        self._cache.clear()
        self._ours.clear()  # editor requests waiting for one of ours are still answered by it
        self._editor_keys.clear()
        for pending in self._editors.values():
            pending.done.set()
        self._editors.clear()

    async def ask(self, command: str, arguments: dict[str, Any]) -> Message:
        """Our request: the cached answer, the editor's in flight, or a new round trip."""
        key = _key(command, arguments)
        if key in self._cache:
            self.shared += 1
            return self._cache[key]
        waiting = self._editors.get(key) or self._ours.get(key)
        if waiting is not None:
            await waiting.done.wait()
            if waiting.response is not None:
                self.shared += 1
                return waiting.response
        pending = self._ours[key] = _Pending()
        response = await self.session.request_adapter(command, arguments, CAPTURE_TIMEOUT)
        pending.response = response
        if self._ours.get(key) is pending:
            del self._ours[key]
            if response.get("success"):
                self._cache[key] = response
        # the editor's identical requests get their answer before we do anything with ours
        for request in pending.editors:
            if response.get("success"):
                await self._answer(request, response)
            else:
                await self.session.forward_request(request)
        pending.done.set()
        return response

    async def editor_request(self, request: Message) -> Message | None:
        """The editor's request: answered from ours when possible (consumed), else passed on."""
        key = _key(request["command"], request.get("arguments"))
        cached = self._cache.get(key)
        if cached is not None:
            self.shared += 1
            await self._answer(request, cached)
            return None
        ours = self._ours.get(key)
        if ours is not None:
            self.shared += 1
            ours.editors.append(request)  # answered the moment ours is back (see `ask`)
            return None
        self._editor_keys[request["seq"]] = key
        self._editors[key] = _Pending()
        return request

    def editor_response(self, response: Message) -> None:
        key = self._editor_keys.pop(response.get("request_seq", -1), None)
        if key is None:
            return
        pending = self._editors.pop(key, None)
        if response.get("success"):
            self._cache[key] = response
        if pending is not None:
            pending.response = response if response.get("success") else None
            pending.done.set()

    async def _answer(self, request: Message, response: Message) -> None:
        answer = dict(response)
        answer["request_seq"] = request["seq"]
        await self.session.send_to_editor(answer)


@dataclass
class StopEvidence:
    reason: str
    thread_id: int | None
    frames: list[dict[str, Any]]  # {name, file, line}
    locals: dict[str, str]
    exception: dict[str, Any] | None = None
    frame_id: int | None = None  # the top frame, for evaluations at this stop
    threads: dict[int, str] = field(default_factory=dict)  # id -> name, at this stop


def _frames(response: Message) -> list[dict[str, Any]]:
    frames = (response.get("body") or {}).get("stackFrames") or []
    return [
        {
            "id": f.get("id"),
            "name": f.get("name"),
            "file": (f.get("source") or {}).get("path"),
            "line": f.get("line"),
        }
        for f in frames
        if isinstance(f, dict)
    ]


def thread_names(response: Message) -> dict[int, str]:
    threads = (response.get("body") or {}).get("threads") or []
    return {
        t["id"]: str(t.get("name") or t["id"])
        for t in threads
        if isinstance(t, dict) and isinstance(t.get("id"), int)
    }


def bounded_locals(response: Message) -> dict[str, str]:
    """Top-level locals as name -> value text: at most MAX_LOCALS, each cut, debugpy's groups
    (special / function / class variables) left out, secrets redacted."""
    variables = (response.get("body") or {}).get("variables") or []
    found: dict[str, str] = {}
    for var in variables:
        if not isinstance(var, dict) or len(found) >= MAX_LOCALS:
            continue
        name = str(var.get("name", ""))
        hint = var.get("presentationHint") or {}
        if not name or hint.get("kind") == "virtual" or name.endswith(" variables"):
            continue
        value = str(var.get("value", ""))
        found[name] = value if len(value) <= MAX_VALUE_CHARS else value[:MAX_VALUE_CHARS] + "…"
    return redact_obj(found)


async def capture_stop(
    ask: Any, session: Session, body: dict[str, Any], exception_info: bool
) -> StopEvidence:
    """Read one stop (`ask` is `SharedRequests.ask`, or the session's own request for a stop
    the editor never sees). The exception first: it is what an editor that resumes at once
    would take away."""
    thread = body.get("threadId")
    exception = None
    listed_threads = await ask("threads", None)  # what an editor asks first: shared, not extra
    if exception_info:
        info = await ask("exceptionInfo", {"threadId": thread})
        if info.get("success"):
            found = info.get("body") or {}
            details = found.get("details") or {}
            exception = redact_obj(
                {
                    "type": details.get("typeName") or found.get("exceptionId"),
                    "message": details.get("message") or found.get("description"),
                    "stack_trace": details.get("stackTrace") or "",
                }
            )
    stack = await ask("stackTrace", {"threadId": thread, "startFrame": 0, "levels": STACK_LEVELS})
    frames = _frames(stack)
    evidence = StopEvidence(str(body.get("reason", "")), thread, frames, {}, exception)
    evidence.threads = thread_names(listed_threads)
    if frames and isinstance(frames[0].get("id"), int):
        evidence.frame_id = frames[0]["id"]
        scopes = await ask("scopes", {"frameId": frames[0]["id"]})
        listed = (scopes.get("body") or {}).get("scopes") or []
        reference = next(
            (
                s.get("variablesReference")
                for s in listed
                if isinstance(s, dict) and s.get("variablesReference")
            ),
            None,
        )
        if reference:
            evidence.locals = bounded_locals(
                await ask("variables", {"variablesReference": reference})
            )
    return evidence
