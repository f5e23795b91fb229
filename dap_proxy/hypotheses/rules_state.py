"""Offline rules keyed on the code and the text rather than on one exception type, gathered from
one module per kind of failure: hangs, stale caches, shared mutable state and races, encoding and
schema errors, integration, resource and configuration failures, and the fallback."""

from __future__ import annotations

from dap_proxy.hypotheses.rules_caches import memoised_reads, stale_cache
from dap_proxy.hypotheses.rules_data import encoding, schema_value
from dap_proxy.hypotheses.rules_fallback import fallback
from dap_proxy.hypotheses.rules_hang import hang
from dap_proxy.hypotheses.rules_integration import boundary_on_path, configuration, integration
from dap_proxy.hypotheses.rules_shared_state import race, shared_mutable

__all__ = [
    "boundary_on_path",
    "configuration",
    "encoding",
    "fallback",
    "hang",
    "integration",
    "memoised_reads",
    "race",
    "schema_value",
    "shared_mutable",
    "stale_cache",
]
