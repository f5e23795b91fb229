"""Robustness: the engine never raises on damaged source. Real test files are cut, spliced
and sprinkled with random bytes; analysis, data flow and probes must still run, and every
probe they propose must still be a safe expression."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_analysis_expressions import assert_probe_is_safe  # same folder (rootdir import)

from dap_proxy.analysis.dataflow import backward_slice, names_in_scope
from dap_proxy.analysis.engine import analyze_source
from dap_proxy.analysis.probes import probes_at_line, probes_for_function

DATA = Path(__file__).parent.parent / "data" / "analysis"
SOURCES = {
    name: (DATA / name).read_bytes()
    for name in ("guards.py", "shop.py", "handlers.js", "service.ts", "widget.tsx")
}


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SOURCES)))
    source = SOURCES[name]
    cut = draw(st.integers(0, len(source)))
    length = draw(st.integers(0, 40))
    junk = draw(st.binary(max_size=12).filter(lambda b: b"\0" not in b))
    return name, source[:cut] + junk + source[cut + length :]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_source_never_raises_and_probes_stay_safe(case: tuple[str, bytes]) -> None:
    name, source = case
    analysis = analyze_source(source, name)
    assert analysis.refused is None
    for line in range(1, analysis.line_count + 1, 3):
        backward_slice(analysis, line)
        names_in_scope(analysis, line)
        for probe in probes_at_line(analysis, line):
            assert_probe_is_safe(analysis, probe)
    for function in analysis.functions:
        for probe in probes_for_function(analysis, function):
            assert_probe_is_safe(analysis, probe)
