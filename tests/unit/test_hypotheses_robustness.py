"""Triage never crashes on what a user may paste: any text gives a result or a clear
TriageInputError, and a result always holds 3-5 coherent hypotheses."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dap_proxy.hypotheses.models import MIN_OTHER
from dap_proxy.hypotheses.triage import TriageInputError, run_triage

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "failures"

FRAGMENTS = [
    "Traceback (most recent call last):\n",
    f'  File "{EXAMPLES}/ratings.py", line 7, in average_rating\n',
    f'  File "{EXAMPLES}/org_chart.py", line 99, in depth\n',
    '  File "/nowhere/x.py", line 3, in f\n',
    "    return total / count\n",
    "KeyError: 'x'\n",
    "IndexError: list index out of range\n",
    "TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'\n",
    "AttributeError: 'NoneType' object has no attribute 'id'\n",
    "RecursionError: maximum recursion depth exceeded\n",
    "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte\n",
    "it hangs sometimes under load in production\n",
    "    at f (/tmp/a.js:1:2)\n",
    "TypeError: Cannot read properties of null (reading 'x')\n",
    "FAILED tests/t.py::test_a - assert 1 == 2\n",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=8))
def test_any_text_gives_hypotheses_or_a_clear_error(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        result = run_triage(text, EXAMPLES, use_store=False)
    except TriageInputError as exc:
        assert str(exc)
        return
    assert 3 <= len(result.hypotheses) <= 5
    assert sum(h.probability for h in result.hypotheses) <= 100 - MIN_OTHER + 1e-6
    assert all(h.statement and h.falsification_criteria for h in result.hypotheses)
