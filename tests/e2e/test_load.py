"""End to end under load: 100,000 lines of program output through the proxy with a real debugpy
(none lost or reordered, bounded proxy memory; bench/load.py measures the same run), and a slow
adapter whose held responses block neither its events nor other responses."""

from __future__ import annotations

import importlib.util
import json
import os
import sys

import pytest
from dap_helpers import PROGRAMS, REPO, spawn_proxy

pytestmark = pytest.mark.e2e

_spec = importlib.util.spec_from_file_location("bench_load", REPO / "bench" / "load.py")
assert _spec is not None and _spec.loader is not None
bench_load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_load)

LINES = 100_000
BURST = 2000


def test_an_output_flood_arrives_whole_and_in_order_with_bounded_proxy_memory() -> None:
    result = bench_load.flood(LINES)
    assert (result["received"], result["lost"], result["in_order"]) == (LINES, 0, True), result
    assert result["exit_code"] == 0
    assert result["rss_growth_mib"] <= bench_load.RSS_TARGET_MIB, result


def test_a_slow_response_blocks_neither_events_nor_other_responses() -> None:
    env = {
        **os.environ,
        "SMART_DEBUG_ADAPTER_CMD": json.dumps([sys.executable, str(PROGRAMS / "slow_adapter.py")]),
        "PYTHONPATH": str(REPO),
    }
    with spawn_proxy(env=env) as client:
        client.request("initialize", {"adapterID": "smart-debug"}, check=True)
        launch = client.send_request("launch", {"program": "x.py"})
        client.wait_event("initialized")
        client.wait_response(launch, check=True)
        slow = [client.send_request("evaluate", {"expression": f"e{n}"}) for n in range(3)]
        # while those wait: other requests are answered and events flow, in order
        for _ in range(20):
            assert client.request("threads", check=True)["body"]["threads"]
        client.request("slow/burst", {"count": BURST}, check=True)
        bursts = [e["body"]["output"] for e in client.events if e["event"] == "output"]
        assert [b for b in bursts if b.startswith("burst")] == [
            f"burst {n}\n" for n in range(BURST)
        ]
        answered = {m.get("request_seq") for m in client.messages if m["type"] == "response"}
        assert answered.isdisjoint(slow)  # still held, and nothing waited for them
        client.request("slow/release", check=True)
        for n, seq in enumerate(slow):
            assert client.wait_response(seq, check=True)["body"]["result"] == f"e{n}"
        client.request("disconnect", {}, check=True)
