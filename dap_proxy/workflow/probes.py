"""What the observing run asks of the live session besides its own probes: at the entry of the
function where the top hypothesis lives, its arguments (the regression test is built from
them). The live session reads each `{name}` of a log message as `repr(name)`, so the message
names the parameters and nothing else. The lines the hypotheses blame are the live session's to
probe (`smartDebug/testHypotheses`), with their predictions."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.analysis.callers import parameters
from dap_proxy.analysis.dataflow import function_at
from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.models import FunctionInfo
from dap_proxy.experiments.models import LocalizeReport
from dap_proxy.workflow.observe import PlannedProbe


def suspect_function(
    path: Path, line: int, name: str | None = None
) -> tuple[FunctionInfo, list[str]] | None:
    """The Python function whose code runs at `line` (a stack frame's function `name` picks
    among nested ones), and its parameters without self/cls; None at module level or when the
    file cannot be read."""
    if path.suffix != ".py":
        return None
    try:
        analysis = analyze_file(path)
    except AnalysisError:
        return None
    function = function_at(analysis, line, name)
    if function is None:
        return None
    return function, parameters(analysis, function)


def plan_probes(localized: LocalizeReport | None, cwd: Path) -> list[PlannedProbe]:
    """The entry logpoint of the top hypothesis's function, or none."""
    if localized is None or not localized.hypotheses:
        return []
    top = localized.hypotheses[0]
    for location in top.locations[:1]:
        path = (cwd / location.file).resolve()
        found = suspect_function(path, location.line)
        if found is None or not found[1]:
            return []
        function, names = found
        return [
            PlannedProbe(
                file=str(path),
                line=function.body_line,
                log_message=", ".join(f"{n}={{{n}}}" for n in names),
                why=f"entry of `{function.qualname}`: its arguments, for the regression test",
                hypothesis=top.id,
            )
        ]
    return []
