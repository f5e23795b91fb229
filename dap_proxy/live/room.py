"""The live Smart Debug Session: a room of the proxy that acts on what it knows while the program
runs (DESIGN.md "Rooms"; the brief's hypothesis -> instrumentation -> reproduction -> verdict
loop, with DAP logpoints instead of edits to the user's files).

At launch/attach it reads the failure context (context.py) and ranks hypotheses, each with
checkable predictions (predictions.py); before configurationDone it has the breakpoints room
place logpoints for them (plan.py, probes.py) and the suggestions the workspace accepted earlier.
While the program runs it routes the probes' tagged output to evidence, decides predictions and
updates probabilities with the shared rule, captures evidence at every stop the editor sees
(capture.py), notices when the program fails and triages that failure for the next run, infers
pathMappings for a remote attach that has none (pathmap.py), answers the `smartDebug/*` requests
and sends the `smartDebug/*` events (protocol.py). The store gets all of it (recorder.py).
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import anyio

from dap_proxy.analysis.models import Probe, ProbeKind
from dap_proxy.breakpoints.merge import Placed
from dap_proxy.breakpoints.room import BreakpointsRoom
from dap_proxy.hypotheses.models import Evidence, EvidenceSource, Hypothesis
from dap_proxy.hypotheses.probability import rank, update
from dap_proxy.hypotheses.redaction import redact_obj
from dap_proxy.live import requests as custom
from dap_proxy.live.capture import (
    RESUMING,
    SharedRequests,
    StopEvidence,
    capture_stop,
    thread_names,
)
from dap_proxy.live.context import Start, from_text, resolve_start
from dap_proxy.live.failure import OutputTail, failure_in_output, traceback_from_exception
from dap_proxy.live.options import ConfigError, LiveConfig, read_config
from dap_proxy.live.pathmap import Mapping, infer, to_local, to_remote, workspace_files
from dap_proxy.live.plan import from_probe, plan, relocate
from dap_proxy.live.predictions import Judge, Verdict, derive
from dap_proxy.live.probes import (
    MAX_EXPRESSIONS,
    TAG,
    LiveProbe,
    in_hot_loop,
    read_tagged,
    to_placed,
)
from dap_proxy.live.protocol import (
    EVIDENCE_EVENT,
    HYPOTHESES_EVENT,
    SUGGESTIONS_EVENT,
    EvidenceBody,
    SuggestionsBody,
    body,
)
from dap_proxy.live.recorder import Recorder, save_session
from dap_proxy.live.views import hypotheses_body, probe_view, relative
from dap_proxy.proxy.rooms import Room
from dap_proxy.proxy.trafficlog import TrafficLog
from dap_proxy.wire.framing import Message

MAX_ACCEPTED = 20  # accepted suggestions injected per session
CONCLUDE_TIMEOUT = 5.0  # seconds the end of a session waits for its last verdicts and writes
RECORD_WAIT = 2.0  # seconds an event waits for the session's first store record (its id)
T = TypeVar("T")
# a probe, its values and the program's clock when it logged (None: not known)
Observation = tuple[LiveProbe, dict[str, str], float | None]
OBSERVATION_QUEUE = 10_000  # observations waiting to be handled; beyond it they are counted


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def workspace_of(arguments: dict[str, Any], workspace_option: str | None) -> Path:
    """Where the store lives: `smartDebug.workspace`, else `cwd`, else the local root of the
    first pathMapping, else the program's folder, else the proxy's own folder."""
    mappings = arguments.get("pathMappings")
    first_root = (
        mappings[0].get("localRoot")
        if isinstance(mappings, list) and mappings and isinstance(mappings[0], dict)
        else None
    )
    program = arguments.get("program")
    for candidate in (
        workspace_option,
        arguments.get("cwd"),
        first_root,
        os.path.dirname(program) if isinstance(program, str) and program else None,
    ):
        if isinstance(candidate, str) and candidate and Path(candidate).is_dir():
            return Path(candidate).resolve()
    return Path.cwd().resolve()


def program_environment(arguments: dict[str, Any]) -> dict[str, str]:
    """The environment the program runs with as far as the proxy knows it: its own, plus the
    launch configuration's `env`, which debugpy gives the program only. Redaction takes the
    values of its secret-looking names for secrets wherever they appear."""
    env = arguments.get("env")
    extra = {k: v for k, v in env.items() if isinstance(v, str)} if isinstance(env, dict) else {}
    return {**os.environ, **extra}


class LiveRoom(Room):
    name = "live session"

    def __init__(self, breakpoints: BreakpointsRoom) -> None:
        self.breakpoints = breakpoints
        breakpoints.before_configuration = self._wait_for_plan
        breakpoints.on_snapshot = self._snapshot
        self.config = LiveConfig()
        self.workspace = Path.cwd()
        self.recorder: Recorder | None = None
        self.start = Start()
        self.hypotheses: list[Hypothesis] = []
        self.probes: dict[str, LiveProbe] = {}
        self.judge = Judge()
        self.mapping: Mapping | None = None
        self.stdout, self.stderr = OutputTail(), OutputTail()
        self.exit_code: int | None = None
        self.reproduced = False
        self.failure_text: str | None = None
        self.active = False  # a launch/attach went through this room
        self.environment = dict(os.environ)  # the program's (program_environment)
        self._shared: SharedRequests | None = None
        self._planned = anyio.Event()
        self._ids = itertools.count(1)
        self._deferred: list[LiveProbe] = []  # waiting for inferred pathMappings
        self._infer_mappings = False
        self._threads: dict[int, str] = {}  # live thread id -> name
        self._concluded = False
        self._triaged: anyio.Event | None = None  # set when a failure's triage is done
        self._observations: Any = None  # the send side of the observation queue, once used
        self._queued = self._observed = 0
        self._idle = anyio.Event()  # set whenever every queued observation was handled
        self.dropped_observations = 0
        self._first_seen: dict[str, float] = {}  # probe id -> when it was first hit
        self._stops = 0

    def bind(self, session: Any) -> None:
        super().bind(session)
        self._shared = SharedRequests(session)

    @property
    def shared(self) -> SharedRequests:
        assert self._shared is not None
        return self._shared

    def next_probe_id(self) -> str:
        return f"p{next(self._ids)}"

    # ------------------------------------------------------------------ launch / attach
    async def launch_request(self, request: Message) -> Message | None:
        raw = request.get("arguments")
        raw = raw if isinstance(raw, dict) else {}
        try:
            config, forwarded = read_config(raw)
        except ConfigError as exc:
            await self.session.respond_error(
                request, f"invalid {request['command']} configuration: {exc}"
            )
            return None
        self.config, self.active = config, True
        request["arguments"] = forwarded
        self.workspace = workspace_of(raw, config.options.workspace)
        self.environment = program_environment(forwarded)
        self.recorder = Recorder(self.workspace)
        self._infer_mappings = (
            request["command"] == "attach"
            and not raw.get("pathMappings")
            and (isinstance(raw.get("connect"), dict) or raw.get("port") is not None)
        )
        for problem in config.problems:
            await self.session.output(f"smart-debug: {problem}")
        if config.trace:
            path = (
                Path(tempfile.gettempdir())
                / f"smart-debug-trace-{os.getpid()}-{int(time.time())}.jsonl"
            )
            self.session.enable_trace(TrafficLog(str(path)))
            await self.session.output(f"smart-debug: `trace` is on: DAP traffic goes to {path}")
        self.breakpoints.place(self._launch_probes())
        self.session.spawn(self._begin)
        return request

    attach_request = launch_request

    def _launch_probes(self) -> list[Placed]:
        """The launch config's own logpoints and breakpoints: the user's, shown as theirs."""
        specs: list[tuple[str, int, dict[str, Any]]] = [
            (lp.file, lp.line, {"logMessage": lp.message}) for lp in self.config.logpoints
        ]
        for bp in self.config.breakpoints:
            fields = {"condition": bp.condition, "hitCondition": bp.hitCondition}
            specs.append((bp.file, bp.line, {k: v for k, v in fields.items() if v}))
        placed = []
        for index, (file, line, fields) in enumerate(specs):
            path = file if os.path.isabs(file) else str(self.workspace / file)
            placed.append(
                Placed(
                    key=f"launch:{index}",
                    path=path,
                    breakpoint={"line": line, **fields},
                    stops="logMessage" not in fields,
                    visible=True,
                )
            )
        return placed

    async def _begin(self) -> None:
        """Failure context, hypotheses, predictions and probes, off the event loop."""
        try:
            start, accepted = await anyio.to_thread.run_sync(self._prepare)
            self.start = start
            self.hypotheses = start.hypotheses
            for note in start.notes:
                await self.session.output(
                    note if note.startswith("smart-debug") else f"smart-debug: {note}"
                )
            for h in self.hypotheses:
                self.judge.watch(h.id, h.predictions)
            options = self.config.options
            probes = (
                plan(
                    self.hypotheses,
                    self._resolve,
                    options.autoLogpoints,
                    options.maxProbeHits,
                    self.next_probe_id,
                )
                if options.autoLogpoints
                else []
            )
            probes += accepted
            self._inject(probes)
            if self.start.context is not None or self.hypotheses:
                assert self.recorder is not None
                self.recorder.wanted = True
                await self._record_start()
            await self.announce("start")  # an empty list says: observing, no failure known
            if self.probes:
                await self.announce_probes()
        except Exception as exc:  # the session goes on as a plain one
            await self.session.output(f"smart-debug: the live session could not start: {exc}")
        finally:
            self._planned.set()

    async def adopt(self, hypotheses: list[Hypothesis], limit: int, source: str) -> None:
        """Hypotheses a client ranked itself (`smartDebug/testHypotheses`) replace the session's
        own: their predictions are derived, up to `limit` lines probed, and the store gets them
        as a new start of this session (the earlier record keeps what it was started with)."""
        await self._planned.wait()

        def predictions() -> None:
            for h in hypotheses:
                if not h.predictions:
                    h.predictions = derive(h, self._resolve)

        await anyio.to_thread.run_sync(predictions)
        self.remove_probes(
            [
                p.id
                for p in self.probes.values()
                if p.source == "hypothesis" and p.status == "injected"
            ]
        )
        self.hypotheses = list(hypotheses)
        self.start = Start(self.start.context, source, self.hypotheses, self.start.strategy)
        self.judge = Judge()
        for h in self.hypotheses:
            self.judge.watch(h.id, h.predictions)
        options = self.config.options
        self._inject(
            plan(self.hypotheses, self._resolve, limit, options.maxProbeHits, self.next_probe_id)
        )
        assert self.recorder is not None
        self.recorder.wanted = True
        self.recorder.session_id = None
        await self._record_start()
        await self.announce("request")
        await self.announce_probes()

    def _prepare(self) -> tuple[Start, list[LiveProbe]]:
        """In a worker thread: read the store and the code."""
        assert self.recorder is not None
        store = self.recorder.read(lambda s: s)
        if self.config.options.session is not None and store is None:
            self.recorder.wanted = True  # a stored session was named: the store must be there
            store = self.recorder.read(lambda s: s)
        start = resolve_start(self.config.options, self.workspace, store, self.redact)
        for h in start.hypotheses:
            if not h.predictions:
                h.predictions = derive(h, self._resolve)
        accepted: list[LiveProbe] = []
        if store is not None and self.config.options.autoLogpoints:
            for decision in store.probe_decisions(status="accepted")[:MAX_ACCEPTED]:
                path = self._resolve(decision.file)
                line = relocate(path, decision.line, decision.code) if path else None
                if path is None or line is None:
                    start.notes.append(
                        f"smart-debug: the accepted suggestion at {decision.file}:{decision.line} "
                        "was left out: that code changed"
                    )
                    continue
                accepted.append(
                    from_probe(
                        decision.probe,
                        path,
                        line,
                        self.next_probe_id(),
                        self.config.options.maxProbeHits,
                        "accepted",
                    )
                )
        return start, accepted

    async def _record_start(self) -> None:
        """The session's first record, awaited (bounded) so the events that follow carry its
        store id."""
        assert self.recorder is not None
        recorder = self.recorder
        context = self.start.context
        what = self.session.launch_arguments
        program = (what.program or what.module or "") if what is not None else ""
        title = f"debug {Path(program).name or 'session'}"
        if context is not None and context.exception_type:
            title += f": {context.exception_type}: {context.exception_message}"
        hypotheses = list(self.hypotheses)
        stored = [self._as_probe(p) for p in self.probes.values()]

        def first_record(store: Any) -> int:
            recorder.session_id = save_session(store, title, context, hypotheses, stored)
            return recorder.session_id

        written = recorder.submit(first_record)
        with anyio.move_on_after(RECORD_WAIT):
            await anyio.to_thread.run_sync(written.result, abandon_on_cancel=True)

    def _resolve(self, file: str) -> Path | None:
        """A file named by a hypothesis, probe or decision as a local file of the workspace."""
        path = Path(file)
        if not path.is_absolute():
            path = self.workspace / path
        try:
            path = path.resolve()
        except OSError:
            return None
        return path if path.is_file() else None

    # ------------------------------------------------------------------ probes
    def _inject(self, probes: list[LiveProbe]) -> list[LiveProbe]:
        """Place probes; returns them as they stand (debugpy holds one breakpoint per line, so a
        plain logpoint for a line one of ours already reads joins that one)."""
        placed, result = [], []
        for probe in probes:
            host = self._same_line(probe)
            if host is not None:
                host.expressions += [e for e in probe.expressions if e not in host.expressions]
                host.expressions = host.expressions[:MAX_EXPRESSIONS]
                host.hypotheses += [h for h in probe.hypotheses if h not in host.hypotheses]
                placed.append(to_placed(host))
                result.append(host)
                continue
            self.probes[probe.id] = probe
            result.append(probe)
            if self._infer_mappings and self.mapping is None:
                self._deferred.append(probe)
                continue
            if self.mapping is not None:
                probe.remote_path = to_remote(probe.file, self.mapping)
            probe.status = "injected"
            placed.append(to_placed(probe))
        self.breakpoints.place(placed)
        return result

    def _same_line(self, probe: LiveProbe) -> LiveProbe | None:
        if probe.kind != "logpoint" or probe.condition or probe.hit_condition:
            return None
        return next(
            (
                other
                for other in self.probes.values()
                if other.status == "injected"
                and other.kind == "logpoint"
                and not other.condition
                and not other.hit_condition
                and (other.file, other.line) == (probe.file, probe.line)
            ),
            None,
        )

    async def _wait_for_plan(self) -> None:
        await self._planned.wait()

    def _as_probe(self, probe: LiveProbe) -> Probe:
        kind = ProbeKind.BREAKPOINT if probe.kind == "snapshot" else ProbeKind.LOGPOINT
        return Probe(
            kind=kind,
            file=relative(probe.file, self.workspace),
            line=probe.line,
            condition=probe.condition,
            hit_condition=probe.hit_condition,
            log_message=probe.readable_message() or None,
            reason=probe.reason,
            score=probe.score,
        )

    def remove_probes(self, ids: list[str]) -> list[str]:
        removed = self.breakpoints.remove(ids)
        for probe_id in removed:
            self.probes[probe_id].status = "removed"
        return removed

    # ------------------------------------------------------------------ output
    async def output_event(self, event: Message) -> Message | None:
        data = event.get("body")
        text = data.get("output") if isinstance(data, dict) else None
        if not isinstance(text, str):
            return event
        assert isinstance(data, dict)
        if "source" in data and text.startswith(TAG):
            parsed = read_tagged(text)
            probe = self.probes.get(parsed[0]) if parsed else None
            if probe is not None and parsed is not None:
                values = dict(zip(probe.expressions, parsed.values, strict=False))
                self._queue_observation(probe, values, parsed.clock)
            return None  # ours, never program output
        category = data.get("category")
        if category == "stdout":
            self.stdout.add(text)
        elif category == "stderr":
            self.stderr.add(text)
        return event

    def _queue_observation(
        self, probe: LiveProbe, values: dict[str, str], clock: float | None
    ) -> None:
        """Observations are handled beside the adapter's reader, in order: the messages behind
        one (a `stopped` event, an answer the editor waits for) are not kept waiting by it."""
        if self._observations is None:
            send, receive = anyio.create_memory_object_stream[Observation](
                max_buffer_size=OBSERVATION_QUEUE
            )
            self._observations = send
            self.session.spawn(lambda: self._handle_observations(receive))
        try:
            self._observations.send_nowait((probe, values, clock))
            self._queued += 1
            if self._idle.is_set():
                self._idle = anyio.Event()
        except anyio.WouldBlock:
            self.dropped_observations += 1  # a flood beyond the queue: counted, never blocking

    async def _handle_observations(self, receive: Any) -> None:
        async with receive:
            async for probe, values, clock in receive:
                try:
                    await self._observe(probe, values, clock=clock)
                except Exception as exc:  # one bad observation never stops the next ones
                    await self.session.output(f"smart-debug: an observation was lost: {exc}")
                finally:
                    self._observed += 1
                    if self._observed == self._queued:
                        self._idle.set()

    async def _drained(self) -> None:
        """Wait (bounded by the caller) until every queued observation was handled."""
        if self._observed < self._queued:
            await self._idle.wait()

    async def _observe(
        self,
        probe: LiveProbe,
        values: dict[str, str],
        thread: str | None = None,
        source: EvidenceSource = EvidenceSource.LOGPOINT,
        clock: float | None = None,
    ) -> None:
        if probe.hits >= probe.budget:
            return  # a conditional probe's last hits before it came out
        probe.hits += 1
        values = self.redact(values)
        if thread is None and len(self._threads) == 1:
            thread = next(iter(self._threads.values()))
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        file = relative(probe.file, self.workspace)
        evidence = Evidence(
            observation=f"{probe.label} hit {probe.hits}: {shown}"[:1000],
            source=source,
            file=file,
            line=probe.line,
            values=values,
            probe=probe.id,
            hit=probe.hits,
            thread=thread,
            hypothesis_id=probe.hypotheses[0] if probe.hypotheses else None,
        )
        if self.recorder is not None:
            self.recorder.evidence([evidence])
        await self.emit(
            EVIDENCE_EVENT,
            EvidenceBody(
                session=self._session_id,
                kind="probe",
                at=_now(),
                probe=probe.id,
                hypothesis=evidence.hypothesis_id,
                file=file,
                line=probe.line,
                hit=probe.hits,
                thread=thread,
                values=values,
            ),
        )
        verdicts = self.judge.observe(probe.file, probe.line, values, probe.hits)
        if self.config.options.showProbeOutput:
            await self.session.output(self._console_line(probe, values, verdicts))
        if verdicts:
            await self._apply(verdicts, "observation")
        if probe.status == "injected" and (probe.hits >= probe.budget or self._hot(probe, clock)):
            probe.status = "spent"
            self._keep_budgets(probe.file)
            self.breakpoints.remove([probe.id])
            await self.announce_probes()

    def _keep_budgets(self, file: str) -> None:
        """debugpy restarts its hit counts when a file's breakpoints are set again: the probes
        staying in that file go back with what is left of their budgets."""
        for other in self.probes.values():
            if other.file == file and other.status == "injected" and other.hits:
                left = other.model_copy(update={"budget": max(1, other.budget - other.hits)})
                self.breakpoints.place([to_placed(left)])

    def _hot(self, probe: LiveProbe, clock: float | None) -> bool:
        """A probe in a hot loop, with the default budget (or a smaller one): HOT_HITS hits
        within HOT_WINDOW of the program's own clock (an injected logpoint logs it; the time
        its output arrives when it does not). Its guard stops the logging in debugpy itself,
        exactly at the budget, but debugpy still checks the guard on every pass, and a tight
        loop leaves debugpy's output thread so little time that the last of those hits may
        arrive long after the loop ran through them: taking the probe out at its HOT_HITS-th
        hit keeps the loop from running traced meanwhile. What it logged up to its budget
        still arrives and counts. The budget is a cap, not a promise: a loop that slows down
        at once may leave a hot probe with fewer observations."""
        now = time.monotonic() if clock is None else clock
        if probe.hits == 1:
            self._first_seen[probe.id] = now
        first = self._first_seen.get(probe.id)
        if first is None or not in_hot_loop(probe, first, now):
            return False
        probe.reason = (
            f"taken out after {probe.hits} hits in {1000 * (now - first):.0f} ms (a hot loop); "
            f"what it logged up to its budget still counts. {probe.reason}"
        )[:300]
        return True

    def redact(self, value: T) -> T:
        """`value` with every secret redacted, the program's environment's included."""
        return redact_obj(value, env=self.environment)

    def _console_line(
        self, probe: LiveProbe, values: dict[str, str], verdicts: list[Verdict]
    ) -> str:
        """What a person reads in the Debug Console for one observation: the values read
        (predictions' own expressions apart), and what it decided."""
        predicted = set(self.judge.expressions_at(probe.file, probe.line))
        shown = ", ".join(f"{k}={v}" for k, v in values.items() if k not in predicted)
        tested = "/".join(probe.hypotheses)
        line = f"[smart-debug] {probe.label}" + (f" {tested}" if tested else "")
        line += f" · {shown}" if shown else f" · reached (hit {probe.hits})"
        for verdict in verdicts:
            line += f" · {verdict.prediction.id} held: {verdict.prediction.description}"
        return line

    async def _apply(self, verdicts: list[Verdict], reason: str) -> None:
        for verdict in verdicts:
            evidence = Evidence(
                observation=verdict.observation,
                source=EvidenceSource.EXPERIMENT,
                file=relative(verdict.prediction.file, self.workspace),
                line=verdict.prediction.line,
                hypothesis_id=verdict.hypothesis,
            )
            self.hypotheses = update(self.hypotheses, evidence, {verdict.hypothesis: verdict.ratio})
        self.hypotheses = rank(self.hypotheses)
        if self.recorder is not None and self.recorder.session_id is not None:
            session_id, hypotheses = self.recorder.session_id, list(self.hypotheses)
            why = "; ".join(v.observation for v in verdicts)[:500]
            self.recorder.submit(lambda store: store.save_hypotheses(session_id, hypotheses, why))
        await self.announce(reason)

    # ------------------------------------------------------------------ stops
    async def stopped_event(self, event: Message) -> Message:
        self.shared.clear()
        data = event.get("body")
        if isinstance(data, dict):
            self.session.spawn(lambda: self._capture(data))
        return event

    async def _capture(self, data: dict[str, Any]) -> None:
        reason = str(data.get("reason", ""))
        evidence = await capture_stop(
            self.shared.ask, self.session, data, reason == "exception", self.environment
        )
        await self._record_stop(evidence, EvidenceSource.SNAPSHOT)
        if evidence.exception is not None:
            await self._failed(
                traceback_from_exception(evidence.exception), "an uncaught exception"
            )
        await self._observe_at_stop(evidence)
        await self.announce("stop")

    async def _snapshot(self, placed: Placed, event: Message) -> None:
        """A snapshot probe stopped the program (the editor never sees it): read the frame."""
        probe = self.probes.get(placed.key)
        data = event.get("body") or {}
        evidence = await capture_stop(
            self.session.request_adapter, self.session, data, False, self.environment
        )
        if probe is not None:
            thread = self._threads.get(evidence.thread_id or -1, str(evidence.thread_id))
            await self._observe(probe, evidence.locals, thread, EvidenceSource.SNAPSHOT)

    async def _record_stop(self, evidence: StopEvidence, source: EvidenceSource) -> None:
        self._stops += 1
        self._threads.update(evidence.threads)
        frames = [
            {**f, "file": relative(self._local(f.get("file")), self.workspace)}
            for f in evidence.frames
        ]
        top = frames[0] if frames else {}
        where = f"{top.get('file')}:{top.get('line')} in {top.get('name')}" if top else "unknown"
        item = Evidence(
            observation=f"stopped ({evidence.reason}) at {where}",
            source=source,
            file=top.get("file") or None,
            line=top.get("line"),
            values=evidence.locals,
            thread=self._threads.get(evidence.thread_id or -1, str(evidence.thread_id)),
        )
        if self.recorder is not None:
            self.recorder.evidence([item])
        await self.emit(
            EVIDENCE_EVENT,
            EvidenceBody(
                session=self._session_id,
                kind="stop",
                at=_now(),
                reason=evidence.reason,
                thread_id=evidence.thread_id,
                frames=[{k: f[k] for k in ("name", "file", "line")} for f in frames[:10]],
                locals=evidence.locals,
                exception=evidence.exception,
            ),
        )
        if self._infer_mappings and self.mapping is None:
            await self._infer([str(f.get("file")) for f in evidence.frames if f.get("file")])

    async def _observe_at_stop(self, evidence: StopEvidence) -> None:
        """A user's stop on a line a probe of ours could not sit on (one breakpoint per line):
        evaluate that probe's expressions at the stop."""
        if not evidence.frames or evidence.frame_id is None:
            return
        top = evidence.frames[0]
        file = self._local(top.get("file"))
        for probe in self.probes.values():
            if probe.status != "injected" or probe.file != file or probe.line != top.get("line"):
                continue
            placed = self.breakpoints.placed.get(probe.id)
            if placed is None or placed.verified is not False:
                continue
            values = {}
            for expr in probe.expressions:
                answer = await self.session.request_adapter(
                    "evaluate",
                    {"expression": expr, "frameId": evidence.frame_id, "context": "watch"},
                )
                if answer.get("success"):
                    values[expr] = str((answer.get("body") or {}).get("result", ""))
            await self._observe(probe, values)

    def _local(self, path: object) -> str:
        text = str(path or "")
        return to_local(text, self.mapping) if self.mapping is not None and text else text

    # ------------------------------------------------------------------ failures and the end
    async def exited_event(self, event: Message) -> Message:
        code = (event.get("body") or {}).get("exitCode")
        self.exit_code = code if isinstance(code, int) else None
        text = failure_in_output(self.stdout.text(), self.stderr.text(), self.exit_code)
        if text is not None:
            await self._failed(text, f"exit code {self.exit_code}")
        return event

    async def terminated_event(self, event: Message) -> Message | None:
        async def conclude_then_go_on() -> None:
            with anyio.move_on_after(CONCLUDE_TIMEOUT):
                await self._conclude()
            await self.session.resume(self, event)

        self.session.spawn(conclude_then_go_on)
        return None  # the editor gets the final verdicts before `terminated`

    async def _failed(self, text: str, how: str) -> None:
        """The program failed during the session: note it; triage it for the next run."""
        if self.failure_text is not None:
            return
        self.failure_text = text
        self.reproduced = True
        self._triaged = anyio.Event()
        redacted = self.redact(text)  # the store and an AI engine get this text too
        await self.emit(
            EVIDENCE_EVENT,
            EvidenceBody(
                session=self._session_id,
                kind="failure",
                at=_now(),
                text=redacted[-4000:],
                reason=how,
            ),
        )
        self.session.spawn(lambda: self._triage_failure(redacted))

    async def _triage_failure(self, text: str) -> None:
        """Hypotheses and probes for this failure, recorded so the next session injects them;
        the session's own hypotheses when it had none."""
        try:
            await self._triage_failure_now(text)
        finally:
            if self._triaged is not None:
                self._triaged.set()

    async def _triage_failure_now(self, text: str) -> None:
        workspace, ai = self.workspace, self.config.options.ai
        found = await anyio.to_thread.run_sync(lambda: from_text(text, workspace, ai, "this run"))
        if not found.hypotheses or found.context is None:
            return

        def predictions() -> None:
            for h in found.hypotheses:
                h.predictions = derive(h, self._resolve)

        await anyio.to_thread.run_sync(predictions)
        assert self.recorder is not None
        self.recorder.wanted = True
        recorder, context, hypotheses = self.recorder, found.context, found.hypotheses
        probes = [p for h in hypotheses for p in h.probes]
        recorder.submit(
            lambda store: store.save_triage(
                context, hypotheses, probes, title=f"debug run: {context.signature()}"
            )
        )
        offered = plan(
            hypotheses,
            self._resolve,
            self.config.options.autoLogpoints or 5,
            self.config.options.maxProbeHits,
            self.next_probe_id,
        )
        for probe in offered:
            probe.status = "offered"
            self.probes[probe.id] = probe
        if not self.hypotheses:
            self.start = found
            self.hypotheses = hypotheses  # tested by the next run, which probes them
            if recorder.session_id is None:
                await self._record_start()
            await self.announce("failure")
        await self.announce_probes()

    async def _conclude(self) -> None:
        if self._concluded or not self.active:
            return
        self._concluded = True
        with anyio.move_on_after(CONCLUDE_TIMEOUT):
            await self._drained()  # every observation counts in the last verdicts
        if self._triaged is not None:  # the failure's hypotheses belong in the last word
            with anyio.move_on_after(CONCLUDE_TIMEOUT):
                await self._triaged.wait()
        probed = {
            (p.file, p.line) for p in self.probes.values() if p.status in ("injected", "spent")
        }
        verdicts = self.judge.finish(self.reproduced, probed)
        if verdicts:
            await self._apply(verdicts, "end")
        elif self.hypotheses:
            await self.announce("end")
        if self.probes:
            await self.announce_probes()  # the probes' final hit counts and states
        if self.dropped_observations:
            await self.session.output(
                f"smart-debug: {self.dropped_observations} probe observations were dropped: more "
                f"than {OBSERVATION_QUEUE} were waiting at once (a probe in a very hot loop)"
            )
        top = self.hypotheses[0] if self.hypotheses else None
        outcome = ("failed" if self.reproduced else f"exit {self.exit_code}") + (
            f"; {top.id} {top.status.value} ({top.probability:.0f}%)" if top else ""
        )
        if self.recorder is not None and self.recorder.session_id is not None:
            session_id = self.recorder.session_id
            self.recorder.submit(lambda store: store.set_outcome(session_id, outcome))

    async def ended(self) -> None:
        if not self.active:
            return
        with anyio.move_on_after(CONCLUDE_TIMEOUT):
            await self._conclude()
        if self.recorder is not None:
            recorder = self.recorder
            with anyio.move_on_after(CONCLUDE_TIMEOUT + 1):
                await anyio.to_thread.run_sync(recorder.close, abandon_on_cancel=True)
            for problem in recorder.problems:
                await self.session.output(problem)

    # ------------------------------------------------------------------ remote paths
    async def process_event(self, event: Message) -> Message:
        name = (event.get("body") or {}).get("name")
        if self._infer_mappings and self.mapping is None and isinstance(name, str):
            self.session.spawn(lambda: self._infer([name]))
        return event

    async def _infer(self, remote_paths: list[str]) -> None:
        root = self.workspace
        files = await anyio.to_thread.run_sync(lambda: workspace_files(root))
        found = infer(remote_paths, files, root)
        if found.mapping is not None and self.mapping is None:
            self.mapping = found.mapping
            mapping = found.mapping.as_launch_json()
            pasted = f'"pathMappings": [{json.dumps(mapping)}]'
            where = (
                "its working directory there (it reports paths relative to it)"
                if found.mapping.relative
                else found.mapping.remote_root
            )
            await self.session.output(
                "smart-debug: this attach has no pathMappings and the program's files are not "
                f"at the same paths here; they match {found.mapping.local_root} here -> {where} "
                "there. smart-debug uses that for its own probes; for your breakpoints add this "
                f"to your launch.json: {pasted}"
                + (
                    " (with the full remote folder for remoteRoot)"
                    if found.mapping.relative
                    else ""
                )
            )
            await self.emit(
                EVIDENCE_EVENT,
                EvidenceBody(
                    session=self._session_id,
                    kind="pathMappings",
                    at=_now(),
                    path_mappings=[found.mapping.as_launch_json()],
                ),
            )
            deferred, self._deferred = self._deferred, []
            self._inject(deferred)
            await self.announce_probes()
        elif len(found.candidates) > 1 and not self._deferred_warned:
            self._deferred_warned = True
            listed = "; ".join(f"{m.local_root} -> {m.remote_root}" for m in found.candidates)
            await self.session.output(
                "smart-debug: this attach has no pathMappings and the program's files match "
                f"more than one folder of the workspace equally well ({listed}); smart-debug "
                "will not guess: add the right one to your launch.json as pathMappings"
            )
            await self.emit(
                EVIDENCE_EVENT,
                EvidenceBody(
                    session=self._session_id,
                    kind="pathMappings",
                    at=_now(),
                    candidates=[m.as_launch_json() for m in found.candidates],
                ),
            )

    _deferred_warned = False

    # ------------------------------------------------------------------ editor requests
    async def stackTrace_request(self, request: Message) -> Message | None:
        return await self.shared.editor_request(request)

    scopes_request = variables_request = exceptionInfo_request = threads_request = (
        stackTrace_request
    )

    async def stackTrace_response(self, response: Message) -> Message:
        self.shared.editor_response(response)
        return response

    scopes_response = variables_response = exceptionInfo_response = stackTrace_response

    async def threads_response(self, response: Message) -> Message:
        self.shared.editor_response(response)
        self._threads.update(thread_names(response))
        return response

    async def thread_event(self, event: Message) -> Message:
        data = event.get("body") or {}
        thread = data.get("threadId")
        if isinstance(thread, int):
            if data.get("reason") == "exited":
                self._threads.pop(thread, None)
            else:
                self._threads.setdefault(thread, str(thread))
        return event

    async def continued_event(self, event: Message) -> Message:
        self.shared.clear()
        return event

    async def request(self, request: Message) -> Message | None:
        command = request["command"]
        if command.startswith(custom.PREFIX):
            await custom.answer(self, request)
            return None
        if command in RESUMING:
            self.shared.clear()
        return request

    # ------------------------------------------------------------------ events to the editor
    @property
    def _session_id(self) -> int | None:
        return self.recorder.session_id if self.recorder is not None else None

    async def emit(self, name: str, model: Any) -> None:
        await self.session.send_event(name, body(model))

    def hypotheses_view(self, reason: str) -> Any:
        return hypotheses_body(
            self.hypotheses,
            list(self.probes.values()),
            self.workspace,
            reason,
            self._session_id,
            self.start.context,
            self.start.source,
        )

    async def announce(self, reason: str) -> None:
        await self.emit(HYPOTHESES_EVENT, self.hypotheses_view(reason))

    def probes_view(self) -> SuggestionsBody:
        return SuggestionsBody(
            session=self._session_id,
            probes=[
                probe_view(p, self.breakpoints.placed.get(p.id), self.workspace)
                for p in self.probes.values()
            ],
        )

    async def announce_probes(self) -> None:
        await self.emit(SUGGESTIONS_EVENT, self.probes_view())
