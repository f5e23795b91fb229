"""The report of one `smart-debug run` (or `localize --report`), as declared tables. The JSON
report is `RunReport.model_dump(mode="json")`; its schema (`report.schema.json`, kept equal to
`RunReport.model_json_schema()` by a test) is the contract for other tools. A change that
removes or renames a field raises `REPORT_VERSION`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

REPORT_VERSION = 1


TimelineKind = Literal["phase", "stop", "probe", "experiment", "failure", "end", "note"]


class TimelineEntry(BaseModel):
    """Something that happened, `at` seconds after the run started."""

    at: float
    kind: TimelineKind
    text: str
    file: str | None = None
    line: int | None = None
    values: dict[str, str] = Field(default_factory=dict)


class ProbabilityPoint(BaseModel):
    at: float  # seconds after the run started (the chart's x axis)
    probability: float  # percent
    reason: str = ""


class Location(BaseModel):
    file: str
    line: int
    function: str | None = None
    code: str | None = None


class HypothesisEntry(BaseModel):
    id: str
    statement: str
    probability: float
    status: str  # open | supported | refuted | confirmed
    category: str
    pattern: str
    engine: str
    locations: list[Location] = Field(default_factory=list)
    decided_by: list[str] = Field(default_factory=list)  # the evidence that moved it, newest last
    falsification: list[str] = Field(default_factory=list)
    fix_hint: str | None = None  # the change a confirming experiment made
    history: list[ProbabilityPoint] = Field(default_factory=list)


class EvidenceEntry(BaseModel):
    """One observation, redacted before it was written."""

    at: float
    source: str  # stop | probe | failure | experiment | test_run | ...
    observation: str
    file: str | None = None
    line: int | None = None
    values: dict[str, str] = Field(default_factory=dict)
    hypothesis: str | None = None


class ProbeEntry(BaseModel):
    file: str
    line: int
    kind: str
    detail: str = ""  # the log message, condition or hit condition
    hypothesis: str | None = None
    hits: int = 0
    status: str = ""  # injected | offered | spent | removed | refused | suggested
    reason: str = ""


class CodeExcerpt(BaseModel):
    file: str
    first_line: int
    lines: list[str]
    marked: list[int] = Field(default_factory=list)  # suspect line numbers in the excerpt


class StrategyEntry(BaseModel):
    name: str
    score: int
    reasons: list[str] = Field(default_factory=list)


class Strategy(BaseModel):
    """The brief's decision matrix: every strategy scored, the chosen two first."""

    chosen: list[str] = Field(default_factory=list)
    scores: list[StrategyEntry] = Field(default_factory=list)
    flags: dict[str, list[str]] = Field(default_factory=dict)  # characteristic -> why


class Caller(BaseModel):
    file: str
    line: int
    function: str | None = None  # the calling function (None: module level)
    code: str = ""


class BlastRadius(BaseModel):
    function: str | None = None  # the suspect function
    callers: list[Caller] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)  # tests that run the suspect line
    entry_points: list[Caller] = Field(default_factory=list)


class Severity(BaseModel):
    level: Literal["critical", "high", "medium", "low"]
    reasons: list[str] = Field(default_factory=list)


class SimilarPattern(BaseModel):
    file: str
    line: int
    code: str
    why: str


class FixComplexity(BaseModel):
    level: Literal["one line", "one function", "several files", "unknown"]
    reason: str


class Impact(BaseModel):
    """What else the fault of the top hypothesis touches."""

    hypothesis: str | None = None
    blast_radius: BlastRadius = Field(default_factory=BlastRadius)
    severity: Severity | None = None
    similar_patterns: list[SimilarPattern] = Field(default_factory=list)
    fix_complexity: FixComplexity | None = None


class Regression(BaseModel):
    status: Literal["written", "discarded", "cannot"]
    reason: str
    path: str | None = None  # where the test file is (relative to the workspace when inside)
    function: str | None = None
    cases: int = 0
    failed_on_current_code: bool = False


class VerdictRow(BaseModel):
    check: str
    result: Literal["pass", "fail", "skipped"]
    detail: str = ""


class Verification(BaseModel):
    at: str  # ISO time
    ok: bool
    rows: list[VerdictRow] = Field(default_factory=list)


class Failure(BaseModel):
    signature: str = ""
    type: str | None = None
    message: str = ""
    failing_tests: list[str] = Field(default_factory=list)
    tests: int = 0  # tests run (test commands)
    kind: Literal["crash", "wrong result", "hang", "none", "not started"] = "none"
    text: str = ""  # the failure output (redacted, cut)


class PastSession(BaseModel):
    session_id: int
    title: str
    created_at: str
    root_cause: str | None = None
    outcome: str = ""
    match: str = ""


class RunReport(BaseModel):
    version: int = REPORT_VERSION
    kind: Literal["run", "localize"] = "run"
    title: str
    slug: str
    created_at: str  # ISO time
    workspace: str
    command: list[str]
    command_kind: Literal["script", "module", "tests"]
    exit_code: int  # what `run` exited with (0 ranking, 3 never failed, 4 not started, 130 ...)
    seconds: float = 0.0
    interrupted: bool = False
    live: bool = False  # the proxy's live session answered (probes, evidence, live hypotheses)
    failure: Failure = Field(default_factory=Failure)
    hypotheses: list[HypothesisEntry] = Field(default_factory=list)
    other_probability: float = 100.0
    timeline: list[TimelineEntry] = Field(default_factory=list)
    evidence: list[EvidenceEntry] = Field(default_factory=list)
    probes: list[ProbeEntry] = Field(default_factory=list)
    code: list[CodeExcerpt] = Field(default_factory=list)
    strategy: Strategy = Field(default_factory=Strategy)
    impact: Impact | None = None
    regression: Regression | None = None
    verifications: list[Verification] = Field(default_factory=list)
    seen_before: list[PastSession] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    session_id: int | None = None  # the store's session of this run
    debug_session_id: int | None = None  # the live session's own store session, when recorded
