"""The live session's custom DAP vocabulary: the bodies of the `smartDebug/*` events it sends and
of the custom requests it answers (DESIGN.md "Contracts"). Every body carries `version`; a
client that knows none of this sees a standard DAP session.

Events (proxy -> editor):
- `smartDebug/hypotheses`  `HypothesesBody`   after launch (from the failure context), after each
                                              stop and each deciding observation, at the end
- `smartDebug/suggestions` `SuggestionsBody`  the probes in place or offered for the next run
- `smartDebug/evidence`    `EvidenceBody`     one stop, one probe observation, one failure, or
                                              inferred pathMappings
Requests (editor -> proxy, answered by the live session, never sent to debugpy):
- `smartDebug/hypotheses`      {}                       -> HypothesesBody
- `smartDebug/testHypothesis`  {id}                     -> TestHypothesisBody
- `smartDebug/probes`          {}                       -> ProbesBody
- `smartDebug/removeProbes`    {ids?: [..]} (all if absent) -> {removed: [ids]}
- `smartDebug/addProbe`        {file, line, logMessage? | condition? | hitCondition?,
                                hypothesis?}             -> {probe: ProbeView}
Paths in these bodies are relative to the workspace when the file is inside it, else absolute.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

PROTOCOL_VERSION = 1
HYPOTHESES_EVENT = "smartDebug/hypotheses"
SUGGESTIONS_EVENT = "smartDebug/suggestions"
EVIDENCE_EVENT = "smartDebug/evidence"


class LocationView(BaseModel):
    file: str
    line: int
    function: str | None = None
    role: str = ""


class PredictionView(BaseModel):
    id: str
    kind: str  # witness | reached | exceeds
    file: str
    line: int
    description: str
    expression: str | None = None
    verdict: str  # pending | held | failed | inconclusive
    observations: int = 0


class DecidingEvidence(BaseModel):
    observation: str
    source: str
    file: str | None = None
    line: int | None = None
    value: str | None = None
    at: str
    supports: bool  # True: raised the hypothesis; False: lowered it


class HypothesisView(BaseModel):
    id: str
    statement: str
    probability: float  # percent
    status: str  # open | supported | refuted | confirmed
    category: str
    pattern: str
    engine: str
    locations: list[LocationView] = Field(default_factory=list)
    predictions: list[PredictionView] = Field(default_factory=list)
    decided_by: list[DecidingEvidence] = Field(default_factory=list)  # newest last
    probes: list[str] = Field(default_factory=list)  # ids of the probes testing it


class FailureView(BaseModel):
    signature: str = ""
    type: str | None = None
    message: str = ""
    source: str = ""  # "launch config", "store session #N", "this run"


class HypothesesBody(BaseModel):
    version: int = PROTOCOL_VERSION
    session: int | None = None  # the store's session id, when recorded
    reason: str  # start | stop | observation | failure | end | request | test
    failure: FailureView | None = None
    hypotheses: list[HypothesisView] = Field(default_factory=list)
    other: float = 100.0  # the explicit "something else" share, percent


class ProbeView(BaseModel):
    """One probe the live session placed or offers."""

    id: str  # "p1", "p2", ...
    file: str
    line: int
    kind: str  # logpoint | conditional | hit_count | snapshot | breakpoint
    log_message: str | None = None  # what a person reads (our tag removed)
    condition: str | None = None
    hit_condition: str | None = None
    hypothesis: str | None = None
    source: str  # hypothesis | accepted | launch | request | next-run
    status: str  # injected | offered | spent | removed | refused
    hits: int = 0
    budget: int = 0
    reason: str = ""
    score: float = 0.0


class SuggestionsBody(BaseModel):
    version: int = PROTOCOL_VERSION
    session: int | None = None
    probes: list[ProbeView] = Field(default_factory=list)


class ProbesBody(SuggestionsBody):
    pass


class EvidenceBody(BaseModel):
    version: int = PROTOCOL_VERSION
    session: int | None = None
    kind: Literal["stop", "probe", "failure", "pathMappings"]
    at: str
    # kind == "stop"
    reason: str | None = None
    thread_id: int | None = None
    frames: list[dict[str, Any]] | None = None  # {name, file, line}
    locals: dict[str, str] | None = None  # bounded, redacted reprs
    exception: dict[str, Any] | None = None  # {type, message, stack_trace}
    # kind == "probe"
    probe: str | None = None
    hypothesis: str | None = None
    file: str | None = None
    line: int | None = None
    hit: int | None = None
    thread: str | None = None
    values: dict[str, str] = Field(default_factory=dict)  # expression -> repr (redacted)
    error: str | None = None
    # kind == "failure": the program failed during the session
    signature: str | None = None
    text: str | None = None
    # kind == "pathMappings"
    path_mappings: list[dict[str, str]] | None = None  # the one inferred, when there is one
    candidates: list[dict[str, str]] | None = None  # equally good ones, when ambiguous


class TestHypothesisBody(BaseModel):
    __test__ = False  # not a pytest class

    version: int = PROTOCOL_VERSION
    id: str
    status: str
    probes: list[ProbeView] = Field(default_factory=list)
    note: str = ""


def body(model: BaseModel) -> dict[str, Any]:
    """A model as an event/response body: JSON types, unset optionals left out."""
    return model.model_dump(mode="json", exclude_none=True)
