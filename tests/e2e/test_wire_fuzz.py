"""A real `python -m dap_proxy` over stdio, fed corrupted editor requests (bench/support/
wire_fuzz.py), each followed by a valid request: the valid one is answered, the proxy never
hangs and never dies with a traceback. A bounded, seeded slice of bench/fuzz.py's 5,000 cases."""

from __future__ import annotations

import sys

import pytest
from dap_helpers import REPO, spawn_proxy

sys.path.insert(0, str(REPO / "bench" / "support"))
from wire_fuzz import KINDS, run_proxy_fuzz  # noqa: E402

pytestmark = pytest.mark.e2e

CASES = 30 * len(KINDS)


def test_every_corruption_kind_is_survived_and_the_next_request_answered() -> None:
    result = run_proxy_fuzz(CASES, seed=3)
    assert result.cases == CASES
    assert result.ratio >= 0.99, result.as_dict()
    assert (result.tracebacks, result.crashed) == (0, 0), result.as_dict()


def test_a_request_cut_short_is_named_and_answered_and_the_next_one_served() -> None:
    body = b'{"seq": 4, "type": "request", "command": "threads"}'
    too_long = b"Content-Length: %d\r\n\r\n%s" % (len(body) + 500, body)  # the editor then waits
    with spawn_proxy() as client:
        client.send_raw(too_long)
        response = client.request("initialize", {"adapterID": "smart-debug"})
        assert response["success"] is True
        failed = client.wait_response(4)
        assert failed["success"] is False and failed["command"] == "threads"
        said = client.wait_event("output", lambda e: "cut short" in e["body"]["output"])
        assert "request seq 4, 'threads'" in said["body"]["output"]
        assert said["body"]["category"] == "stderr"
        client.request("disconnect", {}, check=True)
        client.wait_closed()
    assert client.process.returncode == 0
