"""Baseline phase of `smart-debug localize`: what the unmodified test runs say. Records each
traced run as an experiment, tells a test that hung in a plain run from one that was only slow
there, turns the runs' per-test coverage into one `LineEvidence` per line run by a failing test
(spectrum, static prior, distance from the failure point), and explains a run in which no test
could even be collected.
"""

from __future__ import annotations

import re
from pathlib import Path

from dap_proxy.analysis.line_priors import LinePrior, line_priors
from dap_proxy.analysis.workspace import is_test_path
from dap_proxy.experiments.localize_state import LocalizeError, LocalizeState
from dap_proxy.experiments.models import Experiment
from dap_proxy.experiments.moduleflow import augment
from dap_proxy.experiments.runners import RunAnswer, TestResult
from dap_proxy.experiments.scoring import LineEvidence
from dap_proxy.experiments.spectra import LineSpectrum


def prepared(state: LocalizeState, answer: RunAnswer | None) -> RunAnswer | None:
    """Add module/class-level definitions read by each test to its coverage."""
    if answer is not None and answer.results:
        augment(answer.results, state.options.cwd)
    return answer


def no_tests(state: LocalizeState, answer: RunAnswer | None) -> LocalizeError:
    if answer is None or answer.timed_out:
        return LocalizeError(
            f"the test command did not finish within the budget ({state.options.budget:g}s); "
            "raise --budget or narrow the command to fewer tests",
            1,
        )
    error = answer.error
    return LocalizeError(
        "the test command ran no tests"
        + (f": {error.strip().splitlines()[0]}" if error else "")
        + " (check the command and that the tests are collected)",
        2 if error else 1,
    )


def confirm_hangs(state: LocalizeState, answers: list[RunAnswer]) -> list[str]:
    """A test past the plain run's per-test limit in one plain run that finished in another is
    slow, not hanging: every answer gets the outcome it finished with. Returns their ids."""
    finished = finished_elsewhere(answers)
    keep_finished(answers, finished)
    if finished:
        shown = ", ".join(sorted(finished)[:3]) + (" ..." if len(finished) > 3 else "")
        state.notes.append(
            f"{len(finished)} tests ran past the per-test limit in one plain run but finished in "
            f"another ({shown}): slow, not hanging; they keep the outcome they finished with"
        )
    return sorted(finished)


def finished_elsewhere(answers: list[RunAnswer]) -> dict[str, TestResult]:
    """The tests that timed out in one of the plain runs and finished (passed or failed) in
    another: node id -> the finished result."""
    hung = {r.nodeid for a in answers for r in a.results if r.outcome == "timeout"}
    finished: dict[str, TestResult] = {}
    for answer in answers:
        for r in answer.results:
            if r.nodeid in hung and r.outcome in ("passed", "failed"):
                finished.setdefault(r.nodeid, r)
    return finished


def keep_finished(answers: list[RunAnswer], finished: dict[str, TestResult]) -> None:
    """Put each finished result in place of the timeouts of that test."""
    for answer in answers:
        answer.results = [
            finished[r.nodeid] if r.outcome == "timeout" and r.nodeid in finished else r
            for r in answer.results
        ]


def record_run(state: LocalizeState, answer: RunAnswer, described: str, number: int) -> None:
    failing = sum(1 for r in answer.results if r.failed)
    state.experiments.append(
        Experiment(
            kind="repetition",
            description=f"plain run {number} of `{described}` (no tracing: its outcomes count)",
            tests_run=len(answer.results),
            outcome=f"{failing} of {len(answer.results)} tests failed",
            seconds=round(answer.seconds, 3),
        )
    )


def line_evidence(
    state: LocalizeState, table: dict[tuple[str, int], LineSpectrum], results: list[TestResult]
) -> list[LineEvidence]:
    """One LineEvidence per line that a failing test ran."""
    crash: dict[str, dict[int, int]] = {}  # file -> line -> frames from the failure point
    for r in results:
        if r.outcome != "failed":
            continue  # a hang has no failure point: its frames are wherever the limit stopped it
        project = [f for f in r.frames if f[2]]
        for distance, (file, line, _) in enumerate(reversed(project)):
            lines = crash.setdefault(file, {})
            lines[line] = min(lines.get(line, 99), distance)
    priors: dict[str, dict[int, LinePrior]] = {}
    evidence: list[LineEvidence] = []
    for (file, line), spectrum in table.items():
        if spectrum.ef == 0:
            continue
        if file not in priors:
            priors[file] = _priors_for(state, file, set(crash.get(file, {})))
        evidence.append(
            LineEvidence(
                file=file,
                line=line,
                spectrum=spectrum,
                prior=priors[file].get(line),
                crash_distance=crash.get(file, {}).get(line, 99),
            )
        )
    return evidence


def _priors_for(state: LocalizeState, file: str, crash_lines: set[int]) -> dict[int, LinePrior]:
    wants = state.options.experiments
    if "static" not in wants and "perturbation" not in wants:
        return {}
    try:
        text = (state.options.cwd / file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return line_priors(text, crash_lines)


def outcomes(answer: RunAnswer) -> dict[str, bool]:
    return {r.nodeid: r.failed for r in answer.results if r.outcome != "skipped"}


def import_failure_lines(state: LocalizeState, first: RunAnswer) -> list[tuple[str, int]]:
    """No test ran because collection failed (the project does not import): the project lines
    the collection errors name, innermost last. Raises LocalizeError when there are none."""
    lines: list[tuple[str, int]] = []
    cwd = state.options.cwd
    root_names = {p.name for p in cwd.iterdir()} if cwd.is_dir() else set()
    pattern = re.compile(r'File "([^"]+)", line (\d+)|^([^\s:][^:\n]*\.py):(\d+):', re.M)
    for error in first.collect_errors:
        for match in pattern.finditer(error.longrepr):
            path = match.group(1) or match.group(3)
            number = int(match.group(2) or match.group(4))
            rel = _relative_to_project(path, root_names, cwd)
            if rel and not is_test_path(rel) and (rel, number) not in lines:
                lines.append((rel, number))
    if not lines:
        first_error = first.collect_errors[0].longrepr.strip().splitlines()
        raise LocalizeError(
            "the tests could not be collected (the project does not import): "
            + (first_error[-1] if first_error else "unknown error")
            + ". Fix the import error first (run the command yourself to see it).",
            1,
        )
    return lines


def _relative_to_project(path: str, root_names: set[str], root: Path) -> str | None:
    """Map a path printed by the scratch run (absolute or relative) back to the project."""
    parts = Path(path).parts
    for i in range(len(parts)):
        if parts[i] in root_names:
            candidate = "/".join(parts[i:])
            if (root / candidate).is_file():
                return candidate
    return None
