"""Arbitrary text never makes the failure parsers raise, and large logs stay linear."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dap_proxy.analysis.failure_context import extract_environment
from dap_proxy.analysis.models import ParsedFailure
from dap_proxy.analysis.traceback import error_signature, parse_failure, parse_failures

DATA = Path(__file__).resolve().parent.parent / "data" / "tracebacks"
SAMPLES = sorted(p.read_text() for p in DATA.glob("*.txt"))
LOG_LINES = 10_000
BIG_LOG_TIMEOUT = 30  # seconds: a hang guard for catastrophic backtracking, not a speed claim

# fragments of every recognised shape, so generated text often looks almost right
FRAGMENTS = [
    "Traceback (most recent call last):",
    '  File "/app/x.py", line 3, in f',
    '  File "x.py", line ',
    "    ^^^^^",
    "ValueError: bad",
    "ValueError",
    "  [Previous line repeated 3 more times]",
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
    "  + Exception Group Traceback (most recent call last):",
    "  | ",
    "  +-+---------------- 1 ----------------",
    "    +------------------------------------",
    "=================================== FAILURES ===================================",
    "____ test_x[1] ____",
    "_ _ _ _ _ _ _ _ _ _",
    ">       assert a == b",
    "E       assert 1 == 2",
    "E",
    "tests/x.py:3: AssertionError",
    "tests/x.py:3: in test_x",
    "FAILED tests/x.py::test_x - boom",
    "ERROR tests/x.py",
    "    at fn (/app/a.js:1:2)",
    "    at async g (file:///app/b.mjs:3:4)",
    "    at JSON.parse (<anonymous>)",
    "TypeError: x is undefined",
    "/app/a.js:1",
    "        ^",
    "",
    "```",
    '{"exc": "Traceback (most recent call last):\\n  File \\"a.py\\", line 1, in f\\nValueError"}',
    '"stack":"Error: x\\n    at f (/a.js:1:2)',
    "\\n    at ",
    "\\n",
    "\x1b[31m",
    "not ok 2 - a test",
    "  ---",
    "  ...",
    "  stack: |-",
    "  error: |-",
    "  name: 'AssertionError'",
    "\u2716 a test (1.5ms)",
    "---------------------------------------------------------------------------",
    "ValueError                                Traceback (most recent call last)",
    "File /app/x.py:10, in Cart.total(self)",
    "Cell In[3], line 2",
    "----> 10     return total / n",
    "  File /app/x.py:2",
    "FAIL src/a.test.js",
    "  \u25cf suite \u203a a test",
    "    expect(received).toBe(expected)",
    "    > 9 |   expect(a).toBe(0);",
    "        |             ^",
    "Summary of all failing tests",
    "\u256d\u2500\u2500 Traceback (most recent call last) \u2500\u2500\u256e",
    "\u2502 /app/x.py:14 in run \u2502",
    "\u2502 \u2771 14 \u2502   run() \u2502",
    "\u2570\u2500\u2500\u2500\u256f",
]

text_strategy = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map(
        "\n".join
    ),
    st.sampled_from(SAMPLES).flatmap(
        lambda s: st.tuples(st.integers(0, len(s)), st.integers(0, len(s))).map(
            lambda ab: s[min(ab) : max(ab)]
        )
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=text_strategy)
def test_arbitrary_text_never_raises(text: str) -> None:
    failure = parse_failure(text)
    assert isinstance(failure, ParsedFailure)
    assert isinstance(error_signature(failure), str)
    assert all(isinstance(f, ParsedFailure) for f in parse_failures(text))
    extract_environment(text)
    for exc in failure.exceptions:
        for frame in exc.frames:
            assert frame.line is None or frame.line >= 0


@pytest.mark.timeout(BIG_LOG_TIMEOUT)
def test_a_ten_thousand_line_log_is_parsed_whole() -> None:
    chunks = [s for s in SAMPLES if "pytest" not in s and "FAILURES" not in s]
    parts: list[str] = []
    count = 0
    filler = "2026-01-01 12:00:00 INFO request handled in 12ms\n" * 20
    while sum(p.count("\n") for p in parts) < LOG_LINES:
        for chunk in chunks:
            parts.append(filler + chunk)
            count += 1
    failures = parse_failures("".join(parts))
    # every chunk is one failure except node_caught (two caught errors): all are found
    assert len(failures) >= count
    assert failures[0].final is not None


@pytest.mark.timeout(BIG_LOG_TIMEOUT)
@pytest.mark.parametrize(
    "line",
    [
        "___ " + "_ " * 900 + "x",
        "=== " + "a " * 900 + "==",
        '  File "' + "a" * 1500 + '", line 1, in ' + " " * 300 + "x",
        " " * 1999 + "^",
        "    at " + "(" * 1990,
        "a:" * 999,
        "'" * 2000,
    ],
)
def test_hostile_long_lines_stay_linear(line: str) -> None:
    text = "\n".join([line] * 300)
    assert isinstance(parse_failure(text), ParsedFailure)
    extract_environment(text)
