"""Which logpoints the observing run asks the live session for: at the line of each top
hypothesis, the values that line reads (the analysis engine's own logpoint there), and at the
entry of the top hypothesis's function its arguments as reprs (the regression test is built
from them)."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.analysis.callers import entry_logpoint
from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.probes import probes_at_line
from dap_proxy.experiments.models import LocalizeReport
from dap_proxy.workflow.observe import PlannedProbe


def plan_probes(localized: LocalizeReport | None, cwd: Path, top: int) -> list[PlannedProbe]:
    if localized is None:
        return []
    planned: list[PlannedProbe] = []
    seen: set[tuple[str, int]] = set()
    for index, hypothesis in enumerate(localized.hypotheses[:top]):
        for location in hypothesis.locations[:1]:
            path = (cwd / location.file).resolve()
            try:
                analysis = analyze_file(path)
            except AnalysisError:
                continue
            here = [
                p
                for p in probes_at_line(analysis, location.line)
                if p.kind is ProbeKind.LOGPOINT and p.log_message and p.line == location.line
            ]
            if here and (str(path), location.line) not in seen:
                seen.add((str(path), location.line))
                planned.append(
                    PlannedProbe(
                        file=str(path),
                        line=location.line,
                        log_message=here[0].log_message or "",
                        why=here[0].reason,
                        hypothesis=hypothesis.id,
                    )  # fmt: skip
                )
            if index == 0:
                entry = entry_logpoint(analysis, location.line)
                if entry is not None and (str(path), entry[0]) not in seen:
                    seen.add((str(path), entry[0]))
                    planned.append(
                        PlannedProbe(
                            file=str(path),
                            line=entry[0],
                            log_message=entry[1],
                            why="entry of the suspect function: its arguments, for the "
                            "regression test",
                            hypothesis=hypothesis.id,
                        )  # fmt: skip
                    )
    return planned
