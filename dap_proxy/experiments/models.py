"""Declared tables of the localize report: suggestions, hypotheses and experiments, exactly the
JSON contract of `smart-debug localize --json` (DESIGN.md, "Contracts"). Hypotheses and
suggestions are the project's shared `dap_proxy.hypotheses.models` ones."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from dap_proxy.hypotheses.models import (  # the shared vocabulary (beliefs.py fills it)
    Hypothesis,
    Suggestion,
)

__all__ = [
    "ALL_EXPERIMENTS",
    "Experiment",
    "ExperimentKind",
    "LocalizeReport",
    "Outcomes",
    "Suggestion",
]

ExperimentKind = Literal["spectra", "static", "perturbation", "predicate", "repetition"]
ALL_EXPERIMENTS: tuple[ExperimentKind, ...] = (
    "spectra", "static", "perturbation", "predicate", "repetition",
)  # fmt: skip


class Experiment(BaseModel):
    """One thing that was run, and what came of it."""

    kind: ExperimentKind
    description: str
    file: str | None = None
    line: int | None = None
    tests_run: int = 0
    fixed: int = 0  # failing tests that passed
    broken: int = 0  # passing tests that failed
    changed: int = 0  # failing tests that failed differently
    outcome: str
    seconds: float = 0.0


class Outcomes(BaseModel):
    """What the plain run decided: the tests that count as failing, and the tests left out of the
    spectra because tracing changed their outcome."""

    tests: int = 0
    failed: list[str] = Field(default_factory=list)  # node ids
    unstable: list[str] = Field(default_factory=list)  # "unstable under instrumentation"
    tracer: str | None = None  # coverage (coverage.py's C tracer) or settrace


class LocalizeReport(BaseModel):
    """The whole answer; `model_dump(exclude_none=True)` is the `--json` object."""

    suggestions: list[Suggestion]
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    experiments: list[Experiment] = Field(default_factory=list)
    command: str = ""
    tests: int = 0
    failing: int = 0
    failing_tests: list[str] = Field(default_factory=list)  # pytest node ids
    seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    phases: dict[str, float] = Field(default_factory=dict)  # seconds per phase
