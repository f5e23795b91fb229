"""The offline engine on failing pytest runs (run for real): the assertion is followed into the code
under test, and every rule runs without raising on every example failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dap_proxy.hypotheses.candidates import RuleInput
from dap_proxy.hypotheses.context import build_context
from dap_proxy.hypotheses.engine import CONTEXT_RULES, EXCEPTION_RULES, generate_offline
from dap_proxy.hypotheses.models import BugPattern, HypothesisCategory
from dap_proxy.hypotheses.rules_errors import message_only
from dap_proxy.hypotheses.rules_state import fallback
from tests.conftest import EVENT_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _pytest_output(project: Path) -> str:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
        env=env,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout


def test_missing_update_on_a_sibling_method() -> None:
    project = EXAMPLES / "failures" / "wallet_app"
    hypotheses = generate_offline(build_context(_pytest_output(project), project))
    top = hypotheses[0]
    assert (top.category, top.pattern) == (
        HypothesisCategory.STATE_MANAGEMENT,
        BugPattern.MISSING_UPDATE,
    )
    for quote in ("`Wallet.spend`", "wallet.py:15", "`Wallet.top_up`", "self.log"):
        assert quote in top.statement
    assert (
        top.probes[0].file == "wallet.py"
        and top.probes[0].log_message == "spend: self.log={self.log}"
    )
    # the function the assertion calls is the runner-up, located in the code under test
    assert any(
        h.pattern == BugPattern.WRONG_COMPUTATION and h.locations[0].file == "wallet.py"
        for h in hypotheses
    )


def test_boundary_comparison_in_the_code_under_test() -> None:
    project = EXAMPLES / "shopping_cart"
    context = build_context(_pytest_output(project), project)
    assert context.failing_test and context.failing_test.startswith("tests/test_cart.py::")
    top = generate_offline(context)[0]
    assert top.pattern == BugPattern.OFF_BY_ONE
    assert "`count > BULK_THRESHOLD` at cart.py:" in top.statement
    assert "(BULK_THRESHOLD = 10)" in top.statement and "`count >= BULK_THRESHOLD`" in top.statement
    assert top.probes[0].condition == "count == BULK_THRESHOLD"


def test_a_failure_surfacing_in_a_test_helper_is_blamed_on_the_code_under_test() -> None:
    """`inc(x): return x + 1` raises because the library handed it None: the library line that
    passed it ranks first, the helper after it."""
    project = EXAMPLES / "failures" / "records_app"
    hypotheses = generate_offline(build_context(_pytest_output(project), project))
    assert hypotheses[0].locations[0].file == "records/core.py"
    assert hypotheses[0].locations[0].line == 9
    helper = [h for h in hypotheses if h.locations and h.locations[0].file == "tests/test_core.py"]
    assert helper and all(h.probability < hypotheses[0].probability for h in helper)
    assert any(
        p.file == "records/core.py" and "value" in (p.log_message or "")
        for p in hypotheses[0].probes
    )  # the live session reads what it passes


def test_state_assertion_against_a_transition_table() -> None:
    project = EXAMPLES / "failures" / "door_app"
    top = generate_offline(build_context(_pytest_output(project), project))[0]
    assert (top.category, top.pattern) == (
        HypothesisCategory.STATE_MANAGEMENT,
        BugPattern.WRONG_STATE_TRANSITION,
    )
    assert '`("opening", "stop"): "closed"`' in top.statement and "door.py:7" in top.statement
    assert "'stopped'" in top.statement


def _texts() -> list[tuple[str, Path]]:
    failures = EXAMPLES / "failures"
    texts = []
    for program in sorted(failures.glob("*.py")):
        if program.name in {"search_index.py", "report_fetch.py", "ticket_counter.py"}:
            continue  # hangs and races: covered with their own runs in test_offline_engine.py
        done = subprocess.run(
            [sys.executable, program.name],
            cwd=failures,
            capture_output=True,
            text=True,
            timeout=EVENT_TIMEOUT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        texts.append((done.stderr, failures))
    return texts


@pytest.fixture(scope="module")
def failure_texts() -> list[tuple[str, Path]]:
    return _texts()


def test_no_rule_raises_on_any_example(failure_texts: list[tuple[str, Path]]) -> None:
    # The engine skips a rule that raises; this test makes such a bug visible instead.
    rules = [*EXCEPTION_RULES.values(), *CONTEXT_RULES, message_only, fallback]
    assert len(failure_texts) >= 9
    for text, workspace in failure_texts:
        inp = RuleInput.build(build_context(text, workspace))
        for rule in rules:
            rule(inp)
