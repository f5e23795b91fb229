"""What a rule of the offline engine sees (`RuleInput`: the failure, the crash site, the code) and
what it proposes (`Candidate`: a hypothesis before ranking, with a relative weight)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dap_proxy.analysis.models import Fact, FactKind, Frame, Probe, ProbeKind
from dap_proxy.analysis.pysource import PythonSource, imported_sources, python_source
from dap_proxy.analysis.workspace import is_test_path
from dap_proxy.hypotheses.models import (
    BugPattern,
    CodeLocation,
    Evidence,
    EvidenceSource,
    FailureContext,
    HypothesisCategory,
)


def workspace_sources(context: FailureContext) -> list[PythonSource]:
    """One source per distinct workspace file on the failing path, innermost frame's file first."""
    seen: list[str] = []
    for frame in reversed(context.workspace_frames):
        rel = context.relative(frame.workspace_path or "")
        if rel and rel not in seen:
            seen.append(rel)
    return [python_source(context.workspace, rel) for rel in seen]


def state_signals(context: FailureContext) -> list[str]:
    """Reasons the code on the failing path keeps complex state (for the strategy flags)."""
    reasons = []
    sources = workspace_sources(context)
    if sources and all(is_test_path(s.rel) for s in sources):
        sources += imported_sources(sources[0], context.workspace)
    for source in sources:
        for cache in source.caches():
            reasons.append(f"{source.rel}:{cache.line} keeps a cache `{cache.name}`")
        for func, line, _reads in source.memoised_functions():
            reasons.append(f"{source.rel}:{line} memoises `{func}`")
        for func, param, line, default in source.mutable_defaults():
            reasons.append(f"{source.rel}:{line} `{func}` has a mutable default {param}={default}")
        for container in source.containers():
            if container.owner != "module" and container.writes:
                reasons.append(
                    f"{source.rel}:{container.line} class attribute "
                    f"`{container.owner}.{container.name}` is shared and mutated"
                )
    return reasons[:5]


@dataclass
class Candidate:
    pattern: BugPattern
    category: HypothesisCategory
    weight: float  # relative strength of the signals behind it, ~0..1
    statement: str
    evidence: list[Evidence] = field(default_factory=list)
    falsification: list[str] = field(default_factory=list)
    testing: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    locations: list[CodeLocation] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)


@dataclass
class Site:
    """A workspace frame with its source."""

    frame: Frame
    source: PythonSource

    @property
    def rel(self) -> str:
        return self.source.rel

    @property
    def line(self) -> int:
        return self.frame.line or 0

    @property
    def where(self) -> str:
        return f"{self.rel}:{self.line}"

    @property
    def code(self) -> str:
        return self.source.line(self.frame.line) or (self.frame.code or "")

    @property
    def function(self) -> str:
        return self.frame.function or "<module>"

    def location(self, role: str) -> CodeLocation:
        return CodeLocation(
            file=self.rel, line=self.line, function=self.frame.function, code=self.code, role=role
        )

    def at(self, line: int, role: str) -> CodeLocation:
        return CodeLocation(file=self.rel, line=line, code=self.source.line(line), role=role)


@dataclass
class RuleInput:
    context: FailureContext
    exc_type: str  # short name: "KeyError" (module prefix stripped), "" when none
    message: str
    site: Site | None  # innermost workspace frame
    caller: Site | None  # the workspace frame that called it
    sources: list[PythonSource]  # every workspace file on the path, innermost first

    @classmethod
    def build(cls, context: FailureContext) -> RuleInput:
        frames = context.workspace_frames
        sites = [
            Site(f, python_source(context.workspace, context.relative(f.workspace_path or "")))
            for f in frames
        ]
        # Skip generator/comprehension frames for the caller: they are the same statement.
        callers = [
            s for s in sites[:-1] if not (s.function.startswith("<") and s.function != "<module>")
        ]
        final = context.failure.final
        sources = workspace_sources(context)
        # Only test code on the path: the code under test is what the test imports.
        if sources and all(is_test_path(s.rel) for s in sources):
            sources += [
                m for m in imported_sources(sources[0], context.workspace) if m not in sources
            ]
        return cls(
            context=context,
            exc_type=(final.type.split(".")[-1] if final else ""),
            message=final.message if final else "",
            site=sites[-1] if sites else None,
            caller=callers[-1] if callers else None,
            sources=sources,
        )

    def boundaries(self, source: PythonSource, function: str | None = None) -> list[Fact]:
        """The analysis engine's BOUNDARY facts (I/O, network, database, threads...) in a file,
        optionally only inside `function` (its qualified or plain name). [] if unavailable."""
        try:
            from dap_proxy.analysis.engine import analyze_file

            facts = analyze_file(Path(self.context.workspace) / source.rel).facts
        except Exception:  # noqa: BLE001 - no analysis means no boundary evidence, not a failure
            return []
        found = [f for f in facts if f.kind == FactKind.BOUNDARY]
        if function is not None:
            found = [
                f
                for f in found
                if f.function and f.function.split(".")[-1] == function.split(".")[-1]
            ]
        return found

    def traceback_evidence(self) -> Evidence:
        where = self.site.where if self.site else None
        text = f"{self.exc_type}: {self.message}".strip().rstrip(":")
        return Evidence(
            observation=f"{text} raised at {where}" if where else text,
            source=EvidenceSource.TRACEBACK,
            file=self.site.rel if self.site else None,
            line=self.site.line if self.site else None,
            value=self.message or None,
        )

    def reproduce_step(self) -> str:
        """How to make the failure happen again, from what we know."""
        if self.context.failing_test:
            return f"Reproduce: `python -m pytest {self.context.failing_test} -x`"
        frames = self.context.workspace_frames
        if frames and frames[0].function == "<module>":
            return f"Reproduce: `python {self.context.relative(frames[0].workspace_path or '')}`"
        if self.site:
            return (
                f"Reproduce: run the scenario that calls `{self.site.function}` ({self.site.where})"
            )
        return "Reproduce: follow the reported steps and capture the full traceback"


def code_evidence(source: PythonSource, line: int, observation: str) -> Evidence:
    return Evidence(
        observation=observation,
        source=EvidenceSource.CODE,
        file=source.rel,
        line=line,
        value=source.line(line) or None,
    )


def text_evidence(observation: str) -> Evidence:
    return Evidence(observation=observation, source=EvidenceSource.ISSUE_TEXT)


def probe(
    kind: ProbeKind,
    site_rel: str,
    line: int,
    reason: str,
    *,
    condition: str | None = None,
    log_message: str | None = None,
    hit_condition: str | None = None,
    score: float = 0.7,
) -> Probe:
    return Probe(
        kind=kind,
        file=site_rel,
        line=line,
        reason=reason,
        condition=condition,
        log_message=log_message,
        hit_condition=hit_condition,
        score=score,
    )


def quoted_values(message: str) -> list[str]:
    """Values quoted in a message: 'x', "y", and bare numbers."""
    return re.findall(r"'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?", message)


def short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
