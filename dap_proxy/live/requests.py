"""The live session's custom requests (bodies in protocol.py). They are answered by the proxy and
never reach debugpy; an unknown `smartDebug/...` command gets a failed response that lists the
known ones. While the program runs, a request that placed or removed probes is answered once
debugpy has them (a client may hold the program until then)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from pydantic import ValidationError

from dap_proxy.analysis.engine import AnalysisError, read_source
from dap_proxy.breakpoints.room import APPLY_WAIT
from dap_proxy.hypotheses.models import Hypothesis, HypothesisStatus
from dap_proxy.live.options import DEFAULT_AUTO_LOGPOINTS
from dap_proxy.live.plan import plan
from dap_proxy.live.probes import LiveProbe, UnsafeProbe, check_expressions, expressions_of_message
from dap_proxy.live.protocol import ProbesBody, TestHypothesisBody, body
from dap_proxy.live.views import probe_view
from dap_proxy.wire.framing import Message

if TYPE_CHECKING:
    from dap_proxy.live.room import LiveRoom

PREFIX = "smartDebug/"
MAX_REQUEST_PROBES = 50  # probes added by requests in one session
MAX_GIVEN_HYPOTHESES = 20  # hypotheses one testHypotheses request may give
MAX_GIVEN_PROBES = 50  # lines probed for them (smartDebug.autoLogpoints' own bound)


class RequestError(ValueError):
    """The request cannot be served; the message is for a person."""


async def answer(room: LiveRoom, request: Message) -> None:
    command = request["command"][len(PREFIX) :]
    arguments = request.get("arguments")
    arguments = arguments if isinstance(arguments, dict) else {}
    handler = _HANDLERS.get(command)
    if handler is None:
        known = ", ".join(PREFIX + name for name in _HANDLERS)
        await room.session.respond_error(
            request, f"unknown request {request['command']!r}; smart-debug answers {known}"
        )
        return
    try:
        result = await handler(room, arguments)
    except RequestError as exc:
        await room.session.respond_error(request, str(exc))
        return
    if not room.breakpoints.applying:
        await room.session.respond(request, result)
        return

    async def respond_once_applied() -> None:
        # not inline: the adapter's answer to the setBreakpoints comes through the session
        with anyio.move_on_after(APPLY_WAIT):
            await room.breakpoints.applied()
        await room.session.respond(request, result)

    room.session.spawn(respond_once_applied)


async def _hypotheses(room: LiveRoom, arguments: dict[str, Any]) -> dict[str, Any]:
    return body(room.hypotheses_view("request"))


async def _probes(room: LiveRoom, arguments: dict[str, Any]) -> dict[str, Any]:
    return body(ProbesBody(**room.probes_view().model_dump()))


async def _remove(room: LiveRoom, arguments: dict[str, Any]) -> dict[str, Any]:
    ids = arguments.get("ids")
    if ids is None:
        ids = [p.id for p in room.probes.values() if p.status == "injected"]
    elif not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise RequestError('`ids` must be a list of probe ids such as ["p1", "p2"]')
    removed = room.remove_probes(ids)
    await room.announce_probes()
    return {"removed": removed}


async def _test(room: LiveRoom, arguments: dict[str, Any]) -> dict[str, Any]:
    wanted = arguments.get("id")
    found = next((h for h in room.hypotheses if h.id == wanted), None)
    if found is None:
        listed = ", ".join(h.id for h in room.hypotheses) or "none yet"
        raise RequestError(f"no hypothesis {wanted!r} in this session (hypotheses: {listed})")
    if found.status in (HypothesisStatus.CONFIRMED, HypothesisStatus.REFUTED):
        return body(
            TestHypothesisBody(
                id=found.id,
                status=found.status.value,
                note=f"{found.id} is already {found.status.value}",
            )
        )
    probed = {(p.file, p.line) for p in room.probes.values() if p.status == "injected"}
    options = room.config.options
    fresh = [
        p
        for p in plan(
            [found],
            room._resolve,
            max(options.autoLogpoints, 5),
            options.maxProbeHits,
            room.next_probe_id,
        )
        if (p.file, p.line) not in probed
    ]
    room._inject(fresh)
    await room.announce_probes()
    testing = [
        p for p in room.probes.values() if found.id in p.hypotheses and p.status == "injected"
    ]
    note = (
        f"{len(fresh)} new probe(s) placed"
        if fresh
        else "its lines are already probed"
        if testing
        else "nothing of it can be probed in this program"
    )
    return body(
        TestHypothesisBody(
            id=found.id,
            status=found.status.value,
            note=note,
            probes=[
                probe_view(p, room.breakpoints.placed.get(p.id), room.workspace) for p in testing
            ],
        )
    )


async def _add(room: LiveRoom, arguments: dict[str, Any]) -> dict[str, Any]:
    file, line = arguments.get("file"), arguments.get("line")
    if not isinstance(file, str) or not isinstance(line, int) or line < 1:
        raise RequestError("addProbe needs `file` (a path) and `line` (1-based)")
    path = room._resolve(file)
    if path is None:
        raise RequestError(f"{file}: no such file in the workspace {room.workspace}")
    try:
        count = read_source(path).count(b"\n") + 1
    except AnalysisError as exc:
        raise RequestError(str(exc)) from exc
    if line > count:
        raise RequestError(f"{file} has {count} lines; line {line} is past its end")
    if sum(p.source == "request" for p in room.probes.values()) >= MAX_REQUEST_PROBES:
        raise RequestError(f"at most {MAX_REQUEST_PROBES} probes can be added to one session")
    message = arguments.get("logMessage")
    condition = arguments.get("condition")
    hit = arguments.get("hitCondition")
    for name, value in (("logMessage", message), ("condition", condition), ("hitCondition", hit)):
        if value is not None and not isinstance(value, str):
            raise RequestError(f"`{name}` must be a string")
    expressions = expressions_of_message(message) if message else []
    if message and not expressions:
        raise RequestError("a logMessage needs at least one {expression} to read")
    hypothesis = arguments.get("hypothesis")
    probe = LiveProbe(
        id=room.next_probe_id(),
        file=str(Path(path)),
        line=line,
        kind="logpoint" if message else "snapshot",
        expressions=expressions,
        condition=condition or None,
        hit_condition=hit or None,
        hypotheses=[hypothesis] if isinstance(hypothesis, str) else [],
        source="request",
        budget=room.config.options.maxProbeHits if message else 3,
        reason=str(arguments.get("reason") or "asked for by the client"),
    )
    try:
        check_expressions(probe)
    except UnsafeProbe as exc:
        raise RequestError(f"refused: {exc}") from exc
    [probe] = room._inject([probe])
    await room.announce_probes()
    return {"probe": body(probe_view(probe, room.breakpoints.placed.get(probe.id), room.workspace))}


async def _test_given(room: LiveRoom, arguments: dict[str, Any]) -> dict[str, Any]:
    raw = arguments.get("hypotheses")
    if not isinstance(raw, list) or not raw:
        raise RequestError(
            "testHypotheses needs `hypotheses`: a non-empty list of hypotheses, ranked, in the "
            "store's shape (id, statement, probability, locations, probes, ...)"
        )
    if len(raw) > MAX_GIVEN_HYPOTHESES:
        raise RequestError(f"at most {MAX_GIVEN_HYPOTHESES} hypotheses can be tested at once")
    given: list[Hypothesis] = []
    for index, item in enumerate(raw):
        try:
            given.append(Hypothesis.model_validate(item))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "the hypothesis"
            raise RequestError(f"hypotheses[{index}].{where}: {error['msg']}") from exc
    limit = arguments.get("probes", room.config.options.autoLogpoints or DEFAULT_AUTO_LOGPOINTS)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= MAX_GIVEN_PROBES:
        raise RequestError(f"`probes` must be a whole number of lines from 0 to {MAX_GIVEN_PROBES}")
    source = str(arguments.get("source") or "given by the client")[:100]
    await room.adopt(given, limit, source)
    return body(room.hypotheses_view("request"))


_HANDLERS = {
    "hypotheses": _hypotheses,
    "testHypothesis": _test,
    "probes": _probes,
    "removeProbes": _remove,
    "addProbe": _add,
    "testHypotheses": _test_given,
}
