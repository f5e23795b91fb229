"""The declared output of each MCP tool: the JSON contracts of `triage --json` and
`localize --json` (DESIGN.md "Contracts") as typed models built from the project's own, so a tool's
`outputSchema` and the CLI's JSON cannot drift apart (the SDK validates every result against them).
"""

from __future__ import annotations

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
