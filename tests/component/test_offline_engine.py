"""The offline engine on real failures: each program under examples/failures/ is run for real (a
subprocess) and its traceback, with the text a user would paste, goes through triage's context
builder and the engine. The expected category and pattern must rank first, with the real names,
lines and values quoted."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from dap_proxy.hypotheses.context import build_context
from dap_proxy.hypotheses.engine import generate_offline
from dap_proxy.hypotheses.models import (
    MIN_OTHER,
    BugPattern,
    Hypothesis,
    HypothesisCategory,
)
from tests.conftest import EVENT_TIMEOUT

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "failures"
HANGS = {  # program -> the line it prints once it is stuck
    "search_index.py": "slow search",
    "report_fetch.py": "request received",
}
RACE_ATTEMPTS = 10  # the race program fails nearly always; an intermittent bug gets a few tries


@dataclass(frozen=True)
class Case:
    program: str
    category: HypothesisCategory
    pattern: BugPattern
    quotes: tuple[str, ...]  # must appear in the top hypothesis's statement
    prose: str = ""  # what the user writes around the traceback


CASES = [
    Case(
        "inventory_lookup.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.WRONG_KEY,
        ("PRICES[sku]", "'widget-2'", "inventory_lookup.py:8", "'WIDGET-2'"),
    ),
    Case(
        "price_changes.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.OFF_BY_ONE,
        (
            "prices[i + 1]",
            "price_changes.py:8",
            "i == len(prices) - 1",
            "for i in range(len(prices))",
        ),
    ),
    Case(
        "user_notify.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.NULL_HANDLING,
        ("`user`", "find_user(user_id)", "user_notify.py:25", "returns None"),
    ),
    Case(
        "org_chart.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.MISSING_BASE_CASE,
        ("`depth`", "boss is None", "depth(boss)", "org_chart.py:11"),
    ),
    Case(
        "ratings.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.DIVISION_BY_ZERO,
        ("`count`", "total / count", "len(reviews)", "ratings.py:7"),
    ),
    Case(
        "invoice.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.NULL_HANDLING,
        ("`discount`", "1.0 - discount", "discount_for", "invoice.py:15"),
    ),
    Case(
        "price_cache.py",
        HypothesisCategory.STATE_MANAGEMENT,
        BugPattern.STALE_CACHE,
        ("_price_cache", "set_price", "_catalogue", "4.0"),
        "After changing a price the shop keeps showing the old one until a restart.",
    ),
    Case(
        "playlist.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.WRONG_COMPUTATION,
        ("nth_track(discs[1:], n - len(first) + 1)", "playlist.py:11", "not discs or n < 0"),
    ),
    Case(
        "feature_flags.py",
        HypothesisCategory.STATE_MANAGEMENT,
        BugPattern.STALE_CACHE,
        ("`is_enabled`", "lru_cache", "`_flags`", "set_flag", "cache_clear"),
    ),
    Case(
        "shopping_basket.py",
        HypothesisCategory.STATE_MANAGEMENT,
        BugPattern.SHARED_MUTABLE_STATE,
        ("items=[]", "Basket.__init__", "shopping_basket.py:6", "['apple', 'bread']"),
    ),
    Case(
        "ticket_counter.py",
        HypothesisCategory.RACE_CONDITION,
        BugPattern.RACE,
        ("Counter.sell", "self.sold", "without a lock", "ticket_counter.py:"),
        "The ticket sales check fails intermittently on CI, roughly 1 in 3 runs.",
    ),
    Case(
        "search_index.py",
        HypothesisCategory.LOGIC_ERROR,
        BugPattern.NON_TERMINATING_LOOP,
        ("while lo < hi", "lo = mid", "find_slot", "search_index.py:10"),
        "The nightly indexing job hangs forever at 100% CPU; I had to press Ctrl-C:",
    ),
    Case(
        "report_fetch.py",
        HypothesisCategory.INTEGRATION_FAILURE,
        BugPattern.TIMEOUT,
        ("urllib.request.urlopen", "report_fetch.py:", "no timeout", "network call"),
        "The report job hangs forever at 0% CPU; Ctrl-C gave:",
    ),
    Case(
        "customer_import.py",
        HypothesisCategory.DATA_CORRUPTION,
        BugPattern.ENCODING,
        ("customer_import.py:10", "0xeb", "utf-8", "Windows-1252"),
    ),
    Case(
        "stock_feed.py",
        HypothesisCategory.DATA_CORRUPTION,
        BugPattern.SCHEMA_MISMATCH,
        ('record["qty"]', "'3 units'", "stock_feed.py:12"),
    ),
]


def _run(program: str) -> str:
    """Run the example for real and return its stderr (the traceback)."""
    cmd = [sys.executable, "-u", program]
    if program.endswith(".js"):
        cmd = [shutil.which("node") or "node", program]
    if program in HANGS:  # a hang: wait until it is stuck, then interrupt it like a user
        proc = subprocess.Popen(
            cmd, cwd=EXAMPLES, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().startswith(HANGS[program])
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=EVENT_TIMEOUT)
            return err
        finally:
            proc.kill()  # never leave a hanging example running when the test fails
            proc.wait()
    for _ in range(RACE_ATTEMPTS):
        done = subprocess.run(
            cmd, cwd=EXAMPLES, capture_output=True, text=True, timeout=EVENT_TIMEOUT
        )
        if done.returncode != 0:
            return done.stderr
    pytest.fail(f"{program} did not fail in {RACE_ATTEMPTS} runs")


JS_CASE = Case(
    "user_profile.js",
    HypothesisCategory.LOGIC_ERROR,
    BugPattern.NULL_HANDLING,
    ("`user`", "undefined", "user_profile.js:11", "findUser(id)"),
)
if shutil.which("node"):
    CASES.append(JS_CASE)


@pytest.fixture(scope="module")
def tracebacks() -> dict[str, str]:
    return {case.program: _run(case.program) for case in CASES}


def _hypotheses(case: Case, tracebacks: dict[str, str]) -> list[Hypothesis]:
    text = (case.prose + "\n" if case.prose else "") + tracebacks[case.program]
    return generate_offline(build_context(text, EXAMPLES))


@pytest.mark.parametrize("case", CASES, ids=[c.program for c in CASES])
def test_expected_category_ranks_first_with_specific_statement(
    case: Case, tracebacks: dict[str, str]
) -> None:
    hypotheses = _hypotheses(case, tracebacks)
    assert 3 <= len(hypotheses) <= 5
    top = hypotheses[0]
    assert (top.category, top.pattern) == (case.category, case.pattern), top.statement
    for quote in case.quotes:
        assert quote in top.statement, f"{quote!r} missing from: {top.statement}"
    assert top.probability == max(h.probability for h in hypotheses)


@pytest.mark.parametrize("case", CASES, ids=[c.program for c in CASES])
def test_every_field_is_filled_and_probabilities_are_coherent(
    case: Case, tracebacks: dict[str, str]
) -> None:
    hypotheses = _hypotheses(case, tracebacks)
    assert [h.id for h in hypotheses] == [f"H{i}" for i in range(1, len(hypotheses) + 1)]
    total = sum(h.probability for h in hypotheses)
    assert 0 < total <= 100 - MIN_OTHER
    assert [h.probability for h in hypotheses] == sorted(
        (h.probability for h in hypotheses), reverse=True
    )
    for h in hypotheses:
        assert h.falsification_criteria and h.testing_approach and h.expected_symptoms, h.id
        assert len(h.alternatives) == len(hypotheses)  # the others + "something not listed"
    top = hypotheses[0]
    assert top.supporting_evidence and top.locations
    assert top.probes, "the top hypothesis names probes that test it"
    assert all(p.file == top.locations[0].file for p in top.probes[:1])


def test_two_failures_give_different_specific_statements(tracebacks: dict[str, str]) -> None:
    statements = {}
    for case in CASES:
        statements[case.program] = [h.statement for h in _hypotheses(case, tracebacks)]
    tops = [s[0] for s in statements.values()]
    assert len(set(tops)) == len(tops)
    # Even the same kind of bug in two programs is described with each program's own names.
    assert statements["user_notify.py"][0] != statements["invoice.py"][0]
    assert "welcome_address" in statements["user_notify.py"][0]
    assert "invoice_total" in statements["invoice.py"][0]


def test_hang_reported_as_text_only() -> None:
    text = "Our report export job hangs forever since Tuesday, no error and no output at all."
    context = build_context(text, EXAMPLES)
    assert context.hang and not context.frames
    hypotheses = generate_offline(context)
    assert hypotheses[0].pattern == BugPattern.NON_TERMINATING_LOOP
    assert "hangs" in hypotheses[0].statement
    assert {h.pattern for h in hypotheses} >= {BugPattern.TIMEOUT}


def test_code_frames_keywords_do_not_count_as_a_hang(tracebacks: dict[str, str]) -> None:
    # customer_import's traceback passes through `<frozen codecs>`: not a "frozen" process.
    context = build_context(tracebacks["customer_import.py"], EXAMPLES)
    assert not context.hang
