"""A session's hypotheses and a hypothesis test for an agent: the live session places the probes
(`smartDebug/testHypothesis`), the program runs on, and the verdict comes from the observations.
A test waits for a verdict only while the program runs (a stopped program observes nothing) and
says what is still pending and why."""

from __future__ import annotations

import threading
import time

from mcp.server.mcpserver.exceptions import ToolError

from dap_proxy.headless import HeadlessError, Phase
from dap_proxy.live.protocol import HypothesesBody, HypothesisView, ProbeView, TestHypothesisBody
from dap_proxy.mcp.models import HypothesisTestOutput, SessionHypothesesOutput
from dap_proxy.mcp.sessions import WAIT_SLICE, AgentSession, compact

DECIDED = ("confirmed", "refuted")
OBSERVATIONS_KEPT = 20  # probe observations a test shows, newest last


def hypotheses_now(session: AgentSession) -> dict[str, object]:
    body, probes = _current(session)
    return SessionHypothesesOutput(
        session_id=session.id, phase=session.phase.value, **body.model_dump()
    ).model_dump(mode="json")


def _current(session: AgentSession) -> tuple[HypothesesBody, list[ProbeView]]:
    """The hypotheses and probes now: asked of the live session while it runs, else the last
    ones it sent (a session closes once its program ended)."""
    driver = session.live if not session.closed else session.driver
    assert driver is not None
    if not session.closed:
        return driver.hypotheses(), driver.probes().probes
    live = driver.live
    body = live.hypotheses or HypothesesBody(reason="end")
    return body, live.suggestions.probes if live.suggestions is not None else []


def test_hypothesis(
    session: AgentSession, hypothesis_id: str, wait_s: float, stop: threading.Event
) -> dict[str, object]:
    answer: TestHypothesisBody | None = None
    if not session.closed:
        try:
            answer = session.live.test_hypothesis(hypothesis_id)
        except HeadlessError as exc:
            if session.phase is not Phase.ENDED:  # it ended meanwhile: judge from the end
                raise ToolError(str(exc)) from None
    deadline = time.monotonic() + wait_s
    while not stop.is_set() and time.monotonic() < deadline and session.phase is Phase.RUNNING:
        if _status(session, hypothesis_id) in DECIDED:
            break
        session.wait(min(WAIT_SLICE, max(0.0, deadline - time.monotonic())), stop)
    body, probes = _current(session)
    found = next((h for h in body.hypotheses if h.id == hypothesis_id), None)
    if found is None:
        listed = ", ".join(h.id for h in body.hypotheses) or "none"
        raise ToolError(f"no hypothesis {hypothesis_id!r} in {session.id} (hypotheses: {listed})")
    testing = [p for p in probes if p.id in found.probes or p.hypothesis == found.id]
    ids = {p.id for p in testing}
    driver = session.driver
    assert driver is not None
    observations = [
        e
        for e in driver.live.evidence
        if e.kind == "probe" and (e.probe in ids or e.hypothesis == found.id)
    ][-OBSERVATIONS_KEPT:]
    phase = session.phase
    decided = found.status in DECIDED
    payload = HypothesisTestOutput(
        session_id=session.id,
        hypothesis=found,
        verdict=found.status,
        decided=decided,
        pending=not decided and phase is not Phase.ENDED and bool(testing),
        probes=testing,
        phase=phase.value,
        note=_note(found, phase, bool(testing), answer, wait_s),
    ).model_dump(mode="json")
    payload["observations"] = [compact(e) for e in observations]
    return payload


def _status(session: AgentSession, hypothesis_id: str) -> str | None:
    driver = session.driver
    body = driver.live.hypotheses if driver is not None else None
    found = next((h for h in body.hypotheses if h.id == hypothesis_id), None) if body else None
    return found.status if found is not None else None


def _note(
    found: HypothesisView,
    phase: Phase,
    probed: bool,
    answer: TestHypothesisBody | None,
    wait_s: float,
) -> str:
    if found.status in DECIDED:
        why = found.decided_by[-1].observation if found.decided_by else "its predictions"
        return f"{found.id} is {found.status}: {why}"
    placed = f"{answer.note}; " if answer is not None and answer.note else ""
    if not probed:
        return f"{placed}nothing of {found.id} can be observed in this program"
    if phase is Phase.STOPPED:
        return (
            f"{placed}pending: the program is stopped; continue (or step) so the probes "
            "observe, then test again"
        )
    if phase is Phase.ENDED:
        return f"{placed}the program ended before the probes decided {found.id}"
    return (
        f"{placed}pending: no verdict after {wait_s:g} s of running; test again, or let the "
        "program reach the probed lines"
    )
