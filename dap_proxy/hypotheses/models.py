"""The hypotheses vocabulary (brief, Phase 3 and "Debugging Strategy Selection"): a failure's context,
evidence items, ranked hypotheses with falsification criteria, the strategy choice, and the triage
result. The offline engine, the Anthropic engine, the experiments room, the store and the language
server all read and write these models.

Probability rule (see `dap_proxy.hypotheses.probability`): probabilities are percentages; across the
hypotheses of one failure they sum to at most 100, the remainder being an explicit "other
explanation" share (never below `MIN_OTHER`). Every update renormalises.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum

from pydantic import BaseModel, Field

from dap_proxy.analysis.models import Frame, ParsedFailure, Probe, ProbeKind

MIN_OTHER = 2.0  # percent always left to "something we did not think of"


def _now() -> datetime:
    return datetime.now(timezone.utc)


class HypothesisCategory(str, Enum):
    """The brief's hypothesis categories (race conditions split out of logic errors)."""

    LOGIC_ERROR = "logic_error"
    RACE_CONDITION = "race_condition"
    STATE_MANAGEMENT = "state_management"
    INTEGRATION_FAILURE = "integration_failure"
    RESOURCE_EXHAUSTION = "resource_exhaustion"
    CONFIGURATION_DRIFT = "configuration_drift"
    DATA_CORRUPTION = "data_corruption"


class BugPattern(str, Enum):
    """The specific pattern inside a category; what the offline engine's rules recognise."""

    OFF_BY_ONE = "off_by_one"
    NULL_HANDLING = "null_handling"
    WRONG_KEY = "wrong_key"  # a lookup with a key that is not (or no longer) there
    MISSING_DATA = "missing_data"  # the data never had the item (input / upstream problem)
    WRONG_OPERATOR = "wrong_operator"
    WRONG_VARIABLE = "wrong_variable"
    WRONG_TYPE = "wrong_type"
    WRONG_COMPUTATION = "wrong_computation"  # a function returns a wrong value for some inputs
    MISSING_UPDATE = "missing_update"  # a state change done on one path is missing on another
    MISSING_BASE_CASE = "missing_base_case"
    NON_TERMINATING_LOOP = "non_terminating_loop"
    DIVISION_BY_ZERO = "division_by_zero"  # an empty collection or a zero count reaching a divide
    UNCHECKED_INPUT = "unchecked_input"
    RACE = "race"
    DEADLOCK = "deadlock"
    STALE_CACHE = "stale_cache"
    SHARED_MUTABLE_STATE = "shared_mutable_state"
    WRONG_STATE_TRANSITION = "wrong_state_transition"
    API_CHANGE = "api_change"
    TIMEOUT = "timeout"
    AUTH = "auth"
    MEMORY_LEAK = "memory_leak"
    UNBOUNDED_CACHE = "unbounded_cache"
    POOL_EXHAUSTION = "pool_exhaustion"
    RATE_LIMIT = "rate_limit"
    ENV_VAR = "env_var"
    FEATURE_FLAG = "feature_flag"
    DEPENDENCY_VERSION = "dependency_version"
    WRONG_CONFIG = "wrong_config"  # a path, host or setting configured for another environment
    SCHEMA_MISMATCH = "schema_mismatch"
    ENCODING = "encoding"
    CONSTRAINT_VIOLATION = "constraint_violation"
    UNKNOWN = "unknown"


class HypothesisStatus(str, Enum):
    OPEN = "open"
    SUPPORTED = "supported"  # evidence raised it; not yet decisive
    REFUTED = "refuted"  # its falsification criterion was met
    CONFIRMED = "confirmed"  # a decisive experiment (or the user) confirmed it


class EvidenceSource(str, Enum):
    TRACEBACK = "traceback"
    LOGPOINT = "logpoint"
    SNAPSHOT = "snapshot"  # variables captured at a stop
    TEST_RUN = "test_run"
    EXPERIMENT = "experiment"
    CODE = "code"  # static analysis of the source (tree-sitter facts)
    ISSUE_TEXT = "issue_text"  # what the user wrote: reproduction steps, environment hints
    AI = "ai"


class Evidence(BaseModel):
    """One observation: what was seen, where, when, and from which source."""

    observation: str
    source: EvidenceSource
    file: str | None = None
    line: int | None = None
    at: datetime = Field(default_factory=_now)
    value: str | None = None  # the observed value (repr), when there is one
    hypothesis_id: str | None = None  # the hypothesis this observation was gathered to test
    # A live session's probe observation: expression -> repr, the probe, its hit, the thread.
    values: dict[str, str] = Field(default_factory=dict)
    probe: str | None = None
    hit: int | None = None
    thread: str | None = None


class PredictionKind(str, Enum):
    """What a hypothesis says a running program will show, in a form that can be checked."""

    WITNESS = "witness"  # `expression` is true at file:line at least once
    REACHED = "reached"  # file:line runs when the failure happens
    EXCEEDS = "exceeds"  # file:line runs more than `threshold` times (a loop, a recursion)
    BRANCH = "branch"  # when `expression` holds at file:line, the branch starting at
    # `body_line` is taken (`taken`) or not


class PredictionVerdict(str, Enum):
    PENDING = "pending"  # nothing observed yet
    HELD = "held"  # observed as predicted
    FAILED = "failed"  # observed otherwise on a run that reproduced the failure
    INCONCLUSIVE = "inconclusive"  # the run ended without deciding it


class Prediction(BaseModel):
    """A checkable consequence of a hypothesis (its falsification criterion, made executable):
    e.g. "at cart.py:28, `count == BULK_THRESHOLD` and the branch is not taken"."""

    id: str  # "H1.1"
    kind: PredictionKind
    file: str  # as the hypothesis's locations give it
    line: int
    description: str
    expression: str | None = None  # for WITNESS: a safe expression evaluated at the line
    threshold: int | None = None  # for EXCEEDS
    body_line: int | None = None  # for BRANCH: the first line of the guarded body
    taken: bool | None = None  # for BRANCH: whether the hypothesis says the branch runs
    verdict: PredictionVerdict = PredictionVerdict.PENDING
    observations: int = 0  # how many observations were checked against it


class CodeLocation(BaseModel):
    """A place in the code a hypothesis is about."""

    file: str
    line: int  # 1-based
    function: str | None = None
    code: str | None = None
    role: str = ""  # e.g. "crash site", "loop bound", "cache write"


class Hypothesis(BaseModel):
    """One candidate explanation of a failure, testable and falsifiable."""

    id: str  # "H1", "H2", ... in rank order when produced
    statement: str
    category: HypothesisCategory
    pattern: BugPattern = BugPattern.UNKNOWN
    probability: float = Field(ge=0.0, le=100.0)  # percent
    supporting_evidence: list[Evidence] = Field(default_factory=list)
    contradicting_evidence: list[Evidence] = Field(default_factory=list)
    falsification_criteria: list[str] = Field(default_factory=list)
    testing_approach: list[str] = Field(default_factory=list)  # reproduction / test steps
    expected_symptoms: list[str] = Field(default_factory=list)  # what we would see if true
    alternatives: list[str] = Field(default_factory=list)
    locations: list[CodeLocation] = Field(default_factory=list)
    probes: list[Probe] = Field(default_factory=list)  # probes that would support or refute it
    predictions: list[Prediction] = Field(default_factory=list)  # checked live (dap_proxy.live)
    status: HypothesisStatus = HypothesisStatus.OPEN
    engine: str = "offline"  # "offline" | "anthropic"


class EnvironmentHints(BaseModel):
    """Environment facts found in the pasted text (versions, platform, env vars, deployment)."""

    python_version: str | None = None
    platform: str | None = None
    packages: dict[str, str] = Field(default_factory=dict)  # name -> version mentioned
    env_vars: list[str] = Field(default_factory=list)  # NAMES only, never values
    deployment: str | None = None  # "production", "staging", "ci", "local"
    notes: list[str] = Field(default_factory=list)  # other hints, verbatim and short
    intermittent: bool = False  # the text says it does not always happen
    under_load: bool = False
    only_in_production: bool = False


class StrategyName(str, Enum):
    INTERACTIVE = "interactive"
    OBSERVABILITY = "observability"
    TIME_TRAVEL = "time_travel"
    CHAOS = "chaos"
    STATISTICAL = "statistical"


class StrategyFlags(BaseModel):
    """The brief's issue characteristics, each with the reasons it was set (see strategy.py)."""

    reproducible_locally: bool = False
    production_only: bool = False
    state_complex: bool = False
    intermittent: bool = False
    under_load: bool = False
    reasons: dict[str, list[str]] = Field(default_factory=dict)  # flag name -> why


class StrategyScore(BaseModel):
    name: StrategyName
    score: int
    reasons: list[str] = Field(default_factory=list)  # which flags contributed, with their sign


class StrategyChoice(BaseModel):
    """The decision matrix result: every strategy scored, and the top two."""

    flags: StrategyFlags
    scores: list[StrategyScore]  # best first
    top: list[StrategyScore]  # the brief's "top 2"

    @property
    def primary(self) -> StrategyName:
        return self.top[0].name


class FailureContext(BaseModel):
    """Everything known about a failure before testing anything: the user's text, the parsed
    traceback (frames mapped to the workspace), the failing test and environment facts."""

    issue_text: str = ""
    workspace: str = "."
    failure: ParsedFailure = Field(default_factory=ParsedFailure)
    failing_test: str | None = None
    environment: EnvironmentHints = Field(default_factory=EnvironmentHints)
    intermittent: bool = False
    hang: bool = False  # the text reports a timeout / hang rather than an exception
    flags: StrategyFlags = Field(default_factory=StrategyFlags)

    @property
    def frames(self) -> list[Frame]:
        return self.failure.frames

    @property
    def exception_type(self) -> str | None:
        final = self.failure.final
        return final.type if final else None

    @property
    def exception_message(self) -> str:
        final = self.failure.final
        return final.message if final else ""

    def relative(self, path: str) -> str:
        """`path` relative to the workspace (frames carry absolute workspace paths)."""
        from pathlib import Path

        try:
            return Path(path).resolve().relative_to(Path(self.workspace).resolve()).as_posix()
        except ValueError:
            return path

    @property
    def workspace_frames(self) -> list[Frame]:
        """Frames inside the workspace (not library code), outermost first."""
        return [f for f in self.frames if f.workspace_path and not f.is_library]

    def signature(self) -> str:
        """A stable key for "have we seen this failure before": the analysis room's
        `error_signature` (type, normalised message, project functions) when available."""
        import re

        from dap_proxy.analysis.traceback import error_signature

        if found := error_signature(self.failure):
            return found
        kind = self.exception_type or ("Hang" if self.hang else "Unknown")
        inner = self.workspace_frames[-1] if self.workspace_frames else None
        where = f"{inner.function}" if inner and inner.function else ""
        msg = re.sub(r"'[^']*'|\"[^\"]*\"|\b\d+\b", "_", self.exception_message)[:80]
        return f"{kind}|{where}|{msg}"


class Suggestion(BaseModel):
    """A breakpoint/logpoint suggestion with the keys of the `localize` JSON contract (DESIGN.md);
    `triage`, `localize`, the store and the language server all speak it."""

    file: str  # relative to the workspace (or to the folder localize ran in)
    line: int  # 1-based
    score: float
    kind: ProbeKind = ProbeKind.BREAKPOINT
    condition: str | None = None
    log_message: str | None = None
    hit_condition: str | None = None  # DAP hitCondition (kind hit_count); an extra optional key
    reason: str
    hypothesis: str | None = None  # the hypothesis it tests (triage: its id; localize: its text)

    def to_contract(self) -> dict[str, object]:
        """The contract's JSON object: optional keys left out when unset."""
        return self.model_dump(mode="json", exclude_none=True)


class PastSession(BaseModel):
    """A similar failure from the workspace's knowledge base (the store)."""

    session_id: int
    title: str
    created_at: str = ""
    root_cause: str | None = None
    outcome: str = ""  # what that session ended with (a verified fix says what fixed it)
    match: str = ""  # "signature" | "text"


class TriageResult(BaseModel):
    """What `smart-debug triage` produces (and the store records)."""

    context: FailureContext
    strategy: StrategyChoice
    hypotheses: list[Hypothesis]
    other_probability: float  # the explicit remainder: 100 - sum(hypotheses)
    suggestions: list[Suggestion] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # e.g. "AI engine unavailable"
    similar_sessions: list[PastSession] = Field(default_factory=list)
    session_id: int | None = None  # the store's id for this triage, when recorded
