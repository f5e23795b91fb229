"""A failure seen by the live session as the traceback text the triage reads: debugpy's
exceptionInfo lists the frames innermost first and ends with the exception line; Python prints
them outermost first."""

from __future__ import annotations

from dap_proxy.analysis.traceback import parse_failure
from dap_proxy.live.failure import traceback_from_exception

PYDEVD_STACK = (
    '  File "/app/shop.py", line 8, in line_total\n'
    "    price = PRICES[sku]\n"
    "            ~~~~~~^^^^^\n"
    '  File "/app/shop.py", line 13, in order_total\n'
    "    return sum(line_total(sku, qty) for sku, qty in lines)\n"
    '  File "/app/shop.py", line 18, in <module>\n'
    '    print(f"total: {order_total(order):.2f}")\n'
    "KeyError: 'widget-2'\n"
)


def test_frames_come_out_outermost_first_with_the_exception_once() -> None:
    text = traceback_from_exception(
        {"type": "KeyError", "message": "'widget-2'", "stack_trace": PYDEVD_STACK}
    )
    lines = text.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert [x.strip() for x in lines if x.strip().startswith("File")] == [
        'File "/app/shop.py", line 18, in <module>',
        'File "/app/shop.py", line 13, in order_total',
        'File "/app/shop.py", line 8, in line_total',
    ]
    assert lines.count("KeyError: 'widget-2'") == 1 and lines[-1] == "KeyError: 'widget-2'"
    assert "price = PRICES[sku]" in lines[-3]
    final = parse_failure(text).final
    assert final is not None and final.type == "KeyError"


def test_a_traceback_already_in_python_order_is_kept() -> None:
    python = 'Traceback (most recent call last):\n  File "/app/a.py", line 2, in f\n    g()\n'
    text = traceback_from_exception({"type": "ValueError", "message": "bad", "stack_trace": python})
    assert text == python + "ValueError: bad\n"


def test_no_stack_is_the_exception_line_alone() -> None:
    assert traceback_from_exception({"type": "RuntimeError", "message": ""}) == "RuntimeError\n"
