"""The breakpoints room: the proxy's own breakpoints (the live session's probes, the launch
config's `logpoints`/`breakpoints`) go into debugpy merged with the editor's, while the editor
sees exactly its own: the same setBreakpoints responses (its breakpoints, its order, debugpy's
verification, the ids it would have had), no `breakpoint` events about ours, and no stop it did
not ask for. It also gives the DAP specification's AND semantics to condition + hitCondition,
which debugpy ORs (see hits.py).

The live session talks to it through `place`, `remove` and three hooks: `before_configuration`
(awaited, bounded, before configurationDone goes on: probes are in place before the program
runs), `on_snapshot` (a snapshot probe stopped the program: capture, and the room continues it
invisibly) and `on_change` (a probe's verification changed).
DAP specification: "setBreakpoints", "Breakpoint event", "Stopped event", "configurationDone".
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio

from dap_proxy.breakpoints.hits import HitCounter, counted_by_proxy
from dap_proxy.breakpoints.ids import IdMap
from dap_proxy.breakpoints.merge import Breakpoint, MergePlan, Placed, merge, split_response
from dap_proxy.proxy.rooms import Room
from dap_proxy.wire.framing import Message

PLAN_WAIT = 5.0  # seconds configurationDone may wait for the live session's first probes
LOCATE_TIMEOUT = 5.0  # seconds: the stackTrace that locates a stop without hitBreakpointIds
APPLY_COALESCE = 0.02  # seconds changes wait to go to debugpy together
APPLY_WAIT = 5.0  # seconds a request may wait for the changes it made to reach debugpy


def source_key(path: str) -> str:
    """One key per file however the editor or we spell its path."""
    return os.path.normcase(os.path.realpath(path))


@dataclass
class SourceState:
    """What the room knows about one source file."""

    path: str
    source: dict[str, Any]  # the editor's source object, or one of ours
    user: list[Breakpoint] = field(default_factory=list)  # the editor's last list, as it sent it
    user_ids: list[int] = field(default_factory=list)  # their ids as the editor knows them
    adapter_ids: list[int | None] = field(default_factory=list)  # debugpy's ids for them
    lines: list[object] = field(default_factory=list)  # the lines debugpy put them on
    counters: dict[int, HitCounter] = field(default_factory=dict)  # index -> AND counting
    dirty: bool = False  # our breakpoints changed since this source's list was last sent

    def safe_to_reset(self) -> bool:
        """debugpy restarts the hit counts of a source's breakpoints whenever its list is set;
        only a source without hit-count breakpoints of the user's (that debugpy counts) can be
        set again on our account without changing what they do."""
        return not any(
            bp.get("hitCondition") and index not in self.counters
            for index, bp in enumerate(self.user)
        )


class BreakpointsRoom(Room):
    name = "breakpoints"

    def __init__(self) -> None:
        self.sources: dict[str, SourceState] = {}
        self.placed: dict[str, Placed] = {}
        self.ids = IdMap()
        self.configured = False
        self.before_configuration: Callable[[], Awaitable[None]] | None = None
        self.on_snapshot: Callable[[Placed, Message], Awaitable[None]] | None = None
        self.on_change: Callable[[Placed], Awaitable[None]] | None = None
        self._pending: dict[int, tuple[SourceState, MergePlan]] = {}  # editor seq -> plan
        self._placed_by_id: dict[int, Placed] = {}
        self._user_by_id: dict[int, tuple[SourceState, int]] = {}
        self._placed_counters: dict[str, HitCounter] = {}
        self._held: list[Message] = []
        self._holding = 0  # stops being decided; events wait behind them
        self._running = False  # configurationDone went on: the program runs
        self._apply_scheduled = False
        self._applied: anyio.Event | None = None  # set once the changes scheduled are in debugpy
        self._swallow_continued: set[int] = set()  # threads we continued invisibly
        self.hidden_stops = 0

    # ------------------------------------------------------------------ the live session's API
    def place(self, items: Iterable[Placed]) -> None:
        """Put these breakpoints in (before configurationDone they wait for it)."""
        for item in items:
            self.placed[item.key] = item
            if item.visible and counted_by_proxy(item.breakpoint):
                self._placed_counters[item.key] = HitCounter(str(item.breakpoint["hitCondition"]))
            self._state(item.path).dirty = True
        if self.configured:
            self._schedule_apply()

    def remove(self, keys: Iterable[str]) -> list[str]:
        """Take these breakpoints out; returns the keys that were in. A source whose user
        breakpoints debugpy counts is not set again (that would restart their counts): there a
        removed logpoint stays silent by its own hit condition, a snapshot is ignored."""
        removed = []
        for key in keys:
            item = self.placed.get(key)
            if item is None or item.removed:
                continue
            item.removed = True
            removed.append(key)
            self._state(item.path).dirty = True
        if removed and self.configured:
            self._schedule_apply()
        return removed

    def _schedule_apply(self) -> None:
        """Changes that come in a burst (five probes of one file spent within milliseconds) go to
        debugpy as one setBreakpoints per file: debugpy re-creates a file's breakpoints each time."""
        if self._apply_scheduled:
            return
        self._apply_scheduled = True
        applied = self._applied = anyio.Event()

        async def apply_soon() -> None:
            try:
                await anyio.sleep(APPLY_COALESCE)
                self._apply_scheduled = False
                await self._apply_dirty()
            finally:
                applied.set()

        self.session.spawn(apply_soon)

    @property
    def applying(self) -> bool:
        """Changes are on their way to debugpy (placed or removed after configurationDone)."""
        return self._applied is not None and not self._applied.is_set()

    async def applied(self) -> None:
        """Until every change made so far is in debugpy (its setBreakpoints answered), so a
        program held until then runs with them."""
        while self._applied is not None and not self._applied.is_set():
            await self._applied.wait()

    # ------------------------------------------------------------------ editor requests
    async def setBreakpoints_request(self, request: Message) -> Message:
        arguments = request.get("arguments")
        source = arguments.get("source") if isinstance(arguments, dict) else None
        path = source.get("path") if isinstance(source, dict) else None
        if not isinstance(path, str) or not isinstance(arguments, dict):
            return request  # a sourceReference or a malformed request: debugpy answers it
        assert isinstance(source, dict)
        state = self._state(path, source)
        user = arguments.get("breakpoints")
        state.user = (
            [dict(bp) for bp in user if isinstance(bp, dict)] if isinstance(user, list) else []
        )
        sent, plan = merge(state.user, self._placed_in(state))
        if sent != state.user or plan.counted:
            arguments["breakpoints"] = sent
        state.counters = {index: HitCounter(hit) for index, hit in plan.counted.items()}
        state.dirty = False
        self._pending[request["seq"]] = (state, plan)
        return request

    async def configurationDone_request(self, request: Message) -> Message | None:
        if self.configured:
            return request
        self.configured = True

        async def place_then_go_on() -> None:
            if self.before_configuration is not None:
                with anyio.move_on_after(PLAN_WAIT):
                    await self.before_configuration()
            await self._apply_dirty()
            self._running = True
            await self.session.resume(self, request)

        self.session.spawn(place_then_go_on)
        return None

    # ------------------------------------------------------------------ adapter responses
    async def setBreakpoints_response(self, response: Message) -> Message:
        entry = self._pending.pop(response.get("request_seq", -1), None)
        body = response.get("body")
        if entry is None or not response.get("success") or not isinstance(body, dict):
            return response
        state, plan = entry
        user, ours = split_response(body.get("breakpoints") or [], plan)
        self._record(state, plan, user, ours, editor=True)
        body["breakpoints"] = user
        return response

    async def setFunctionBreakpoints_response(self, response: Message) -> Message:
        body = response.get("body")
        breakpoints = body.get("breakpoints") if isinstance(body, dict) else None
        if response.get("success") and isinstance(breakpoints, list) and breakpoints:
            first = breakpoints[0].get("id") if isinstance(breakpoints[0], dict) else None
            for bp, virtual in zip(
                breakpoints, self.ids.new_ids(len(breakpoints), first), strict=False
            ):
                if isinstance(bp, dict) and isinstance(bp.get("id"), int):
                    self.ids.link(bp["id"], virtual)
                    bp["id"] = virtual
        return response

    # ------------------------------------------------------------------ adapter events
    async def breakpoint_event(self, event: Message) -> Message | None:
        bp = (event.get("body") or {}).get("breakpoint")
        adapter_id = bp.get("id") if isinstance(bp, dict) else None
        if not isinstance(adapter_id, int):
            return event
        placed = self._placed_by_id.get(adapter_id)
        if placed is not None:
            assert isinstance(bp, dict)
            placed.verified = bp.get("verified", placed.verified)
            placed.line = bp.get("line", placed.line)
            placed.message = bp.get("message", placed.message)
            if self.on_change is not None:
                await self.on_change(placed)
            return None
        virtual = self.ids.to_editor(adapter_id)
        if virtual is not None:
            assert isinstance(bp, dict)
            bp["id"] = virtual
        return event

    async def stopped_event(self, event: Message) -> Message | None:
        self._swallow_continued.clear()
        body = event.get("body")
        if not isinstance(body, dict) or body.get("reason") != "breakpoint":
            return self._hold_or_pass(event)
        ids = body.get("hitBreakpointIds")
        if isinstance(ids, list):
            return self._decide(event, [i for i in ids if isinstance(i, int)])
        if not self._anything_hidden():
            return self._hold_or_pass(event)
        self._holding += 1  # no ids (other debugpy versions): find the place, then decide
        self.session.spawn(lambda: self._locate_then_decide(event))
        return None

    async def continued_event(self, event: Message) -> Message | None:
        thread = (event.get("body") or {}).get("threadId")
        if thread in self._swallow_continued:
            self._swallow_continued.discard(thread)
            return None  # the answer to our own invisible continue
        return self._hold_or_pass(event)

    async def event(self, event: Message) -> Message | None:
        return self._hold_or_pass(event)

    # ------------------------------------------------------------------ stops
    def _hold_or_pass(self, event: Message) -> Message | None:
        if self._holding:
            self._held.append(event)  # keeps the order behind a stop being decided
            return None
        return event

    def _anything_hidden(self) -> bool:
        return (
            bool(self._placed_counters)
            or any(p.stops and not p.visible and not p.removed for p in self.placed.values())
            or any(state.counters for state in self.sources.values())
        )

    def _decide(self, event: Message, adapter_ids: list[int]) -> Message | None:
        """Show the stop (ids as the editor knows them) or continue it invisibly."""
        due = False
        snapshots: list[Placed] = []
        for adapter_id in adapter_ids:
            user = self._user_by_id.get(adapter_id)
            if user is not None:
                state, index = user
                counter = state.counters.get(index)
                due = due or counter is None or counter.hit()
                continue
            placed = self._placed_by_id.get(adapter_id)
            if placed is None:
                due = True  # a breakpoint we do not know: let the editor see it
            elif placed.visible:
                counter = self._placed_counters.get(placed.key)
                due = due or counter is None or counter.hit()
            elif placed.stops and not placed.removed:
                placed.hits += 1
                snapshots.append(placed)
        if not adapter_ids:
            due = True
        body = event["body"]
        if due:
            if "hitBreakpointIds" in body:
                kept = [v for v in map(self.ids.to_editor, adapter_ids) if v is not None]
                if kept or not adapter_ids:
                    body["hitBreakpointIds"] = kept
                else:
                    del body["hitBreakpointIds"]  # only ours were hit: none the editor knows
            return self._hold_or_pass(event)
        self._holding += 1
        self.session.spawn(lambda: self._hidden_stop(event, snapshots))
        return None

    async def _hidden_stop(self, event: Message, snapshots: list[Placed]) -> None:
        """A stop the editor must not see: let the live session capture, then continue."""
        thread = event["body"].get("threadId")
        try:
            for placed in snapshots:
                if self.on_snapshot is not None and not placed.removed:
                    await self.on_snapshot(placed, event)
            self.hidden_stops += 1
            if isinstance(thread, int):
                self._swallow_continued.add(thread)
            await self.session.request_adapter("continue", {"threadId": thread})
        finally:
            self._holding -= 1
            await self._release()

    async def _locate_then_decide(self, event: Message) -> None:
        """Without `hitBreakpointIds`: the top frame's place names the breakpoint."""
        thread = event["body"].get("threadId")
        response = await self.session.request_adapter(
            "stackTrace", {"threadId": thread, "startFrame": 0, "levels": 1}, LOCATE_TIMEOUT
        )
        frames = (response.get("body") or {}).get("stackFrames") or []
        ids: list[int] = []
        if frames:
            path = (frames[0].get("source") or {}).get("path")
            line = frames[0].get("line")
            if isinstance(path, str):
                ids = self._ids_at(source_key(path), line)
        self._holding -= 1
        decided = self._decide(event, ids)
        if decided is not None:
            await self.session.resume(self, decided)
        await self._release()

    def _ids_at(self, key: str, line: object) -> list[int]:
        state = self.sources.get(key)
        found: list[int] = []
        if state is not None:
            found += [
                i
                for i, at in zip(state.adapter_ids, state.lines, strict=False)
                if i is not None and at == line
            ]
        found += [
            p.adapter_id
            for p in self.placed.values()
            if p.adapter_id is not None and source_key(p.path) == key and p.line == line
        ]
        return found

    async def _release(self) -> None:
        """Once no stop is being decided, the events held behind it go on, in order."""
        if self._holding:
            return
        held, self._held = self._held, []
        for message in held:
            await self.session.resume(self, message)

    # ------------------------------------------------------------------ bookkeeping
    def _state(self, path: str, source: dict[str, Any] | None = None) -> SourceState:
        key = source_key(path)
        state = self.sources.get(key)
        if state is None:
            state = SourceState(path, source or {"path": path, "name": os.path.basename(path)})
            self.sources[key] = state
        elif source is not None:
            state.path, state.source = path, source  # the editor's own spelling wins
        return state

    def _placed_in(self, state: SourceState) -> list[Placed]:
        key = source_key(state.path)
        return [p for p in self.placed.values() if source_key(p.path) == key]

    async def _apply_dirty(self) -> None:
        for state in list(self.sources.values()):
            if not state.dirty:
                continue
            additions = any(not p.removed and p.adapter_id is None for p in self._placed_in(state))
            if not state.safe_to_reset():
                if not additions:
                    state.dirty = False  # only removals: leave them silent rather than reset
                    continue
                if self._running:
                    await self.session.output(
                        f"smart-debug: placing a probe in {os.path.basename(state.path)} makes "
                        "debugpy restart the hit counts of your hit-count breakpoints there"
                    )
            await self._send(state)

    async def _send(self, state: SourceState) -> None:
        """Set one source's list on our own account (the editor's breakpoints + ours)."""
        state.dirty = False
        sent, plan = merge(state.user, self._placed_in(state))
        response = await self.session.request_adapter(
            "setBreakpoints", {"source": state.source, "breakpoints": sent}
        )
        body = response.get("body")
        if response.get("success") and isinstance(body, dict):
            user, ours = split_response(body.get("breakpoints") or [], plan)
            self._record(state, plan, user, ours, editor=False)
        else:
            for placed in plan.placed:
                placed.verified, placed.message = False, str(response.get("message") or "")
                if self.on_change is not None:
                    await self.on_change(placed)

    def _record(
        self,
        state: SourceState,
        plan: MergePlan,
        user: list[Breakpoint],
        ours: list[tuple[Placed, Breakpoint]],
        editor: bool,
    ) -> None:
        """Read debugpy's answer for one source: ids both ways, our breakpoints' state."""
        ids = [bp.get("id") if isinstance(bp, dict) else None for bp in user]
        if editor:
            first = next((i for i in ids if isinstance(i, int)), None)
            state.user_ids = self.ids.new_ids(len(user), first)
        self.ids.forget([i for i in state.adapter_ids if i is not None])
        for old in state.adapter_ids:
            self._user_by_id.pop(old, None)  # type: ignore[arg-type]
        state.adapter_ids = [i if isinstance(i, int) else None for i in ids]
        state.lines = [bp.get("line") if isinstance(bp, dict) else None for bp in user]
        for index, (bp, adapter_id, virtual) in enumerate(
            zip(user, state.adapter_ids, state.user_ids, strict=False)
        ):
            if adapter_id is None:
                continue
            self.ids.link(adapter_id, virtual)
            self._user_by_id[adapter_id] = (state, index)
            if editor:
                bp["id"] = virtual
        self.ids.note_extra(len(ours) + (0 if editor else len(user)))
        for placed, answer in ours:
            if placed.adapter_id is not None:
                self._placed_by_id.pop(placed.adapter_id, None)
            adapter_id = answer.get("id") if isinstance(answer, dict) else None
            placed.adapter_id = adapter_id if isinstance(adapter_id, int) else None
            placed.verified = bool(answer.get("verified")) if isinstance(answer, dict) else False
            placed.line = answer.get("line") if isinstance(answer, dict) else None
            placed.message = answer.get("message") if isinstance(answer, dict) else None
            if placed.adapter_id is not None:
                self._placed_by_id[placed.adapter_id] = placed
        for placed in plan.left_out:
            placed.verified = False
            placed.message = "the editor has a breakpoint on this line; its stops are read instead"
