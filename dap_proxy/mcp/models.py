"""The declared output of each MCP tool: the JSON contracts of `triage --json` and
`localize --json` (DESIGN.md "Contracts") and the live session's `smartDebug/*` bodies
(dap_proxy/live/protocol.py) as typed models built from the project's own, so a tool's
`outputSchema` and the CLI's JSON cannot drift apart (the SDK validates every result against them).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dap_proxy.evidence.store import SimilarSession
from dap_proxy.experiments.models import Experiment, Outcomes
from dap_proxy.experiments.models import Suggestion as RankedLine
from dap_proxy.hypotheses.models import (
    FailureContext,
    Hypothesis,
    PastSession,
    StrategyChoice,
    Suggestion,
)
from dap_proxy.live.protocol import EvidenceBody, HypothesesBody, HypothesisView, ProbeView


class TriageContext(FailureContext):
    """The parsed failure as `triage --json` gives it: the context plus three derived keys.
    (Aliased: `FailureContext` already has `signature()` and the two properties.)"""

    model_config = ConfigDict(populate_by_name=True)

    signature_key: str = Field(alias="signature")
    final_type: str | None = Field(default=None, alias="exception_type")
    final_message: str = Field(default="", alias="exception_message")


class TriageOutput(BaseModel):
    context: TriageContext
    strategy: StrategyChoice
    hypotheses: list[Hypothesis]
    other_probability: float  # percent: the explicit "something else" share
    suggestions: list[Suggestion]  # best first; the `localize` contract's keys
    notes: list[str]
    similar_sessions: list[PastSession]
    session_id: int | None  # the store's id for this triage, when recorded
    impact: dict[str, Any] | None = None  # blast radius, severity, similar patterns, fix complexity


class LocalizeOutput(BaseModel):
    suggestions: list[RankedLine]  # best first; files relative to the folder localize ran in
    hypotheses: list[Hypothesis]
    experiments: list[Experiment]
    notes: list[str]
    seconds: float
    other_probability: float | None = None  # present when there are hypotheses
    outcomes: Outcomes | None = None  # what the plain run decided (failing, unstable tests)
    phases: dict[str, float] = Field(default_factory=dict)  # seconds per phase


class HistoryOutput(BaseModel):
    query: str
    # Same signature first, then full-text matches; with an empty query, the newest sessions
    # (match "recent").
    sessions: list[SimilarSession]
    notes: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- the live-session tools
class StopWhere(BaseModel):
    """Where and why the program is stopped."""

    reason: str  # breakpoint | step | exception | pause | entry | ...
    description: str = ""
    text: str = ""  # the exception message, for reason "exception"
    thread_id: int | None = None
    file: str | None = None  # the top frame; relative to the workspace when inside it
    line: int | None = None
    function: str | None = None


class SessionStateOutput(BaseModel):
    session_id: str
    request: Literal["launch", "attach"]
    phase: Literal["starting", "running", "stopped", "ended"]
    stop: StopWhere | None = None  # set while stopped
    # The live session's evidence of this stop: frames, the top frame's locals (bounded and
    # redacted), the exception; None while it is still being read.
    evidence: EvidenceBody | None = None
    exit_code: int | None = None  # the program's, once it ended
    output_tail: str = ""  # the end of what the program printed (stdout and stderr)
    notes: list[str] = Field(default_factory=list)


class SessionHypothesesOutput(HypothesesBody):
    session_id: str
    phase: Literal["starting", "running", "stopped", "ended"]


class HypothesisTestOutput(BaseModel):
    session_id: str
    hypothesis: HypothesisView  # its status, probability, predictions and deciding evidence
    verdict: str  # open | supported | refuted | confirmed
    decided: bool  # confirmed or refuted
    pending: bool  # undecided, and the program must run on for its probes to observe
    probes: list[ProbeView] = Field(default_factory=list)  # the probes testing it
    observations: list[EvidenceBody] = Field(default_factory=list)  # theirs, newest last
    phase: Literal["starting", "running", "stopped", "ended"]
    note: str = ""


class ProbeOutput(BaseModel):
    session_id: str
    probe: ProbeView


class RemovedProbesOutput(BaseModel):
    session_id: str
    removed: list[str]


class EvaluateOutput(BaseModel):
    session_id: str
    expression: str
    result: str
    # "checked": only side-effect-free expressions are run (the default); "free": the server
    # was started with --allow-free-evaluate.
    evaluation: Literal["checked", "free"]
    frame: str = ""  # where it was evaluated: function, file:line
