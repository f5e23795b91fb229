"""Offline rules keyed on the exception, gathered from one module per kind of failure: lookup
errors, None and type errors, arithmetic, recursion, and the message alone. The engine maps
exception types to these names."""

from __future__ import annotations

from dap_proxy.hypotheses.rules_arithmetic import zero_division
from dap_proxy.hypotheses.rules_lookup import index_error, key_error
from dap_proxy.hypotheses.rules_message import message_only, raised_by_guard
from dap_proxy.hypotheses.rules_none import attribute_error, type_error
from dap_proxy.hypotheses.rules_recursion import recursion_error

__all__ = [
    "attribute_error",
    "index_error",
    "key_error",
    "message_only",
    "raised_by_guard",
    "recursion_error",
    "type_error",
    "zero_division",
]
