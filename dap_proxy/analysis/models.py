"""The shared vocabulary of the analysis engine: facts about code, stack frames, failures and
candidate probes. The proxy, the hypotheses, the experiments and the language server all speak it."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

# Validators are built on first use, not at import: the analysis builds most of these models
# without validating them (`nodes.new_fact`, `model_construct`), and a short command such as
# `smart-debug analyze FILE` would otherwise spend an eighth of its run building them. (The
# language server's worker threads may build one concurrently: pydantic >= 2.11.5 allows it.)
DEFERRED_BUILD = ConfigDict(defer_build=True)


class FactKind(str, Enum):
    """What a place in the code is, for the brief's critical-path and data-flow analysis."""

    ENTRY = "entry"  # function, method, handler, `if __name__ == "__main__"`, test function
    DECISION = "decision"  # if/elif/else, match/case, ternary, loop condition, and/or, early return
    MUTATION = "mutation"  # attribute/subscript/global assignment, augmented assignment, append/...
    BOUNDARY = "boundary"  # I/O, network, database, subprocess, time, randomness, threading
    ERROR_HANDLING = "error_handling"  # try/except/finally, raise, catch/throw, error returns
    LOOP = "loop"
    RECURSION = "recursion"  # a function calling itself
    RETURN = "return"
    ASSIGNMENT = "assignment"  # a plain local definition (data flow)
    ARITHMETIC = "arithmetic"  # division/modulo (zero divisors), `x + 1`/`n - 1` offsets


class Fact(BaseModel):
    """One thing the analysis found at a place in a file. Lines are 1-based and inclusive."""

    model_config = DEFERRED_BUILD

    file: str
    start_line: int
    end_line: int
    kind: FactKind
    reason: str
    function: str | None = None  # qualified name of the enclosing function, None at module level
    names: list[str] = Field(default_factory=list)  # names read or written that matter here
    text: str = ""  # the source of the line(s), trimmed, for reports


class ProbeKind(str, Enum):
    """The same spellings as the `localize` JSON contract (DESIGN.md)."""

    BREAKPOINT = "breakpoint"
    LOGPOINT = "logpoint"
    CONDITIONAL = "conditional"
    HIT_COUNT = "hit_count"


class Probe(BaseModel):
    """A candidate breakpoint or logpoint, ready to become a DAP `SourceBreakpoint`."""

    model_config = DEFERRED_BUILD

    kind: ProbeKind
    file: str
    line: int  # 1-based
    condition: str | None = None
    hit_condition: str | None = None
    log_message: str | None = None  # debugpy's `{expr}` interpolation for Python
    reason: str
    facts: list[Fact] = Field(default_factory=list)  # what justifies it
    score: float = 0.0  # 0..1, higher is more useful

    def to_source_breakpoint(self) -> dict[str, object]:
        """The DAP `SourceBreakpoint` body for this probe."""
        bp: dict[str, object] = {"line": self.line}
        if self.condition:
            bp["condition"] = self.condition
        if self.hit_condition:
            bp["hitCondition"] = self.hit_condition
        if self.log_message:
            bp["logMessage"] = self.log_message
        return bp


class Frame(BaseModel):
    """One stack frame parsed from a traceback or failure output, innermost last."""

    model_config = DEFERRED_BUILD

    file: str  # as written in the traceback
    line: int | None = None
    function: str | None = None
    code: str | None = None  # the source line the traceback showed
    column: int | None = None
    workspace_path: str | None = None  # resolved path inside the workspace, if it is there
    is_library: bool = False  # site-packages, stdlib, node_modules, node internals
    repeated: int = 0  # "[Previous line repeated N more times]" after this frame (recursion)


class ExceptionInfo(BaseModel):
    """One exception of a (possibly chained) traceback."""

    model_config = DEFERRED_BUILD

    type: str
    message: str = ""
    frames: list[Frame] = Field(default_factory=list)  # outermost first, as printed
    # how it follows the previous exception: "cause" (raise ... from), "context" (during
    # handling), "group_member" (a sub-exception; its ExceptionGroup comes after its members)
    relation: str | None = None


class ParsedFailure(BaseModel):
    """Everything a traceback / pytest output / Node stack trace told us."""

    model_config = DEFERRED_BUILD

    language: str = "python"  # python | javascript
    exceptions: list[ExceptionInfo] = Field(default_factory=list)  # oldest first; last = final
    failing_tests: list[str] = Field(default_factory=list)  # pytest node ids, when present
    assertion: str | None = None  # the failing assertion / `E` lines, when present

    @property
    def final(self) -> ExceptionInfo | None:
        return self.exceptions[-1] if self.exceptions else None

    @property
    def frames(self) -> list[Frame]:
        """Frames of the final exception (outermost first)."""
        return self.final.frames if self.final else []


class FunctionInfo(BaseModel):
    """One function, method, handler, lambda-like callback or test in a file (lines 1-based)."""

    model_config = DEFERRED_BUILD

    name: str
    qualname: str  # dotted through enclosing classes and functions: `Cart.total`, `outer.inner`
    start_line: int
    end_line: int
    body_line: int  # first executable line of the body (after a docstring): where entry probes go
    kind: str = "function"  # function | method | test | handler | callback | anonymous
    reason: str = ""
    is_async: bool = False


class FileAnalysis(BaseModel):
    """What the whole-file pass found in one file. Data flow is computed on demand per function
    (see `dap_proxy.analysis.dataflow`) and cached on this object."""

    model_config = DEFERRED_BUILD

    path: str
    language: str
    content_hash: str = ""
    line_count: int = 0
    facts: list[Fact] = Field(default_factory=list)
    functions: list[FunctionInfo] = Field(default_factory=list)
    syntax_error_lines: list[int] = Field(default_factory=list)  # where tree-sitter recovered
    refused: str | None = None  # why the file was not analysed (binary, too large), else None

    # Engine state, never serialised: the tree-sitter tree and source (for incremental reparse
    # and on-demand data flow), each function's byte span (in `functions` order), the import
    # aliases seen, whether the default boundary table was used, per-function caches, and the
    # facts' records (`pending.PendingFacts`) when `facts` is built on first read.
    _tree: Any = PrivateAttr(default=None)
    _source: bytes = PrivateAttr(default=b"")
    _function_spans: list[tuple[int, int]] = PrivateAttr(default_factory=list)
    _aliases: dict[str, str] = PrivateAttr(default_factory=dict)
    _default_boundaries: bool = PrivateAttr(default=True)
    _cache: dict[Any, Any] = PrivateAttr(default_factory=dict)
    _pending: Any = PrivateAttr(default=None)

    if not TYPE_CHECKING:  # to the type checker, `facts` is the plain field it always is

        def __getattr__(self, name: str) -> Any:
            # `analyze_source(lazy_facts=True)` leaves `facts` out of the instance until it is
            # first read: then every fact is built from the records, once.
            if name == "facts":
                return self.complete_facts()
            return super().__getattr__(name)

    def complete_facts(self) -> list[Fact]:
        """`facts`, built now if they were left to be built on first read."""
        facts: list[Fact] | None = self.__dict__.get("facts")
        if facts is None:
            pending = self.pending
            facts = self.__dict__["facts"] = [] if pending is None else pending.all()
            self.__pydantic_fields_set__.add("facts")
        return facts

    @property
    def pending(self) -> Any:
        """The facts' records (a `pending.PendingFacts`), or None when the analysis was read
        from elsewhere (an incremental reanalysis, a refusal): then `facts` is all there is."""
        private = self.__pydantic_private__
        return None if private is None else private.get("_pending")

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        self.complete_facts()
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        self.complete_facts()
        return super().model_dump_json(**kwargs)

    def __eq__(self, other: object) -> bool:
        self.complete_facts()
        if isinstance(other, FileAnalysis):
            other.complete_facts()
        return super().__eq__(other)

    def __getstate__(self) -> dict[Any, Any]:
        self.complete_facts()
        return super().__getstate__()

    @property
    def memo(self) -> dict[Any, Any]:
        """The per-analysis cache, without pydantic's private-attribute lookup (probes ask it
        tens of thousands of times per file)."""
        private = self.__pydantic_private__
        if private is None:
            return self._cache
        return private["_cache"]  # type: ignore[no-any-return]
