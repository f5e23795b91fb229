"""Building a FailureContext from pasted text: frames mapped to the workspace, environment hints
(names, never values), intermittent / hang flags from the prose only."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.hypotheses.context import build_context, is_recognisable
from dap_proxy.hypotheses.triage import run_triage

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "failures"

CHAINED = f'''Traceback (most recent call last):
  File "{EXAMPLES}/inventory_lookup.py", line 8, in line_total
    price = PRICES[sku]
            ~~~~~~^^^^^
KeyError: 'widget-2'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/lib/python3.11/site-packages/shop/api.py", line 40, in handle
    return view(request)
  File "{EXAMPLES}/inventory_lookup.py", line 13, in order_total
    return sum(line_total(sku, qty) for sku, qty in lines)
RuntimeError: order failed
'''


def test_chained_tracebacks_map_frames_to_the_workspace() -> None:
    failure = build_context(CHAINED, EXAMPLES).failure
    assert [e.type for e in failure.exceptions] == ["KeyError", "RuntimeError"]
    first, final = failure.exceptions
    assert first.message == "'widget-2'" and first.frames[0].code == "price = PRICES[sku]"
    library, mine = final.frames
    assert library.is_library and library.workspace_path is None
    assert Path(mine.workspace_path or "") == EXAMPLES / "inventory_lookup.py" and mine.line == 13


def test_pytest_output_gives_the_failing_test() -> None:
    text = (
        "=================================== FAILURES ===================================\n"
        "__________________________________ test_total __________________________________\n\n"
        "    def test_total():\n>       assert total([(3.0, 10)]) == 27.0\nE       assert 30.0 == 27.0\n\n"
        "tests/test_cart.py:28: AssertionError\n"
        "=========================== short test summary info ============================\n"
        "FAILED tests/test_cart.py::test_total - assert 30.0 == 27.0\n"
    )
    failure = build_context(text, EXAMPLES).failure
    assert failure.failing_tests == ["tests/test_cart.py::test_total"]
    assert failure.final is not None and failure.final.type == "AssertionError"
    assert failure.frames[-1].line == 28 and failure.assertion == "assert 30.0 == 27.0"


def test_environment_hints_keep_names_not_values() -> None:
    text = (
        "Since the upgrade to requests==2.32.0 checkout fails in production (Python 3.11.7, "
        "Ubuntu 22.04). DATABASE_URL=postgres://admin:hunter2@db/shop is set.\nKeyError: 'sku'"
    )
    context = build_context(text, EXAMPLES)
    env = context.environment
    assert env.python_version == "3.11.7" and env.deployment == "production"
    assert env.packages.get("requests") == "2.32.0"
    assert "DATABASE_URL" in env.env_vars
    assert "hunter2" not in env.model_dump_json()
    assert any("upgrade" in note for note in env.notes)


def test_intermittent_and_hang_come_from_the_prose_not_the_code() -> None:
    code_only = CHAINED.replace(
        "return view(request)", "return sometimes_timeout(request)  # frozen"
    )
    context = build_context(code_only, EXAMPLES)
    assert not context.intermittent and not context.hang
    said = build_context("It fails sometimes, maybe 1 in 20 runs.\n" + CHAINED, EXAMPLES)
    assert said.intermittent and said.flags.intermittent


def test_signature_ignores_values_and_paths() -> None:
    a = build_context(CHAINED, EXAMPLES).signature()
    b = build_context(
        CHAINED.replace("'widget-2'", "'gadget-7'").replace("line 13", "line 14"), EXAMPLES
    )
    assert a and a == b.signature()


def test_an_exception_named_in_prose_is_enough_to_triage() -> None:
    result = run_triage(
        "When I save an order I get KeyError: 'sku' and nothing else.", EXAMPLES, use_store=False
    )
    assert result.context.exception_type == "KeyError"
    assert 3 <= len(result.hypotheses) <= 5
    assert "'sku'" in result.hypotheses[0].statement


def test_plain_text_is_not_recognisable() -> None:
    assert not is_recognisable(build_context("The weather is nice today.", EXAMPLES))


def test_a_pytest_timeout_is_a_hang() -> None:
    text = (
        f"    def find(items, x):\n>       while lo < hi:\nE       Failed: Timeout (>5.0s) from pytest-timeout.\n\n"
        f"{EXAMPLES}/search_index.py:10: Failed\n"
        "FAILED tests/test_search.py::test_find - Failed: Timeout (>5.0s) from pytest-timeout.\n"
    )
    context = build_context(text, EXAMPLES)
    assert context.hang
