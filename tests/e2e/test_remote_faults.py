"""End to end: a remote `debugpy --listen` that vanishes. The program runs in a second network
namespace (tests/e2e/netns.py); the proxy attaches to it, then the link is cut on the remote
side, so no FIN or RST ever comes: the proxy must notice the silence itself
(dap_proxy/proxy/network.py), tell the editor within PEER_LOST_TIMEOUT, and hang nothing.
Needs root and `ip netns`; skipped with the reason otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dap_helpers import PROGRAMS, output_text, spawn_proxy, start_session
from netns import REMOTE_PORT, NetnsUnavailable, Remote, cut, remote_debugpy, remote_namespace

from dap_proxy.proxy.network import PEER_SILENCE_LIMIT

pytestmark = pytest.mark.e2e

# The proxy gives a silent peer up after PEER_SILENCE_LIMIT; the rest is room for a loaded
# machine (keepalive probes and retransmissions are timed by the kernel, not by us).
PEER_LOST_TIMEOUT = PEER_SILENCE_LIMIT + 20.0
WAIT = PROGRAMS / "wait.py"


@pytest.fixture
def remote() -> Iterator[Remote]:
    try:
        with remote_namespace() as made:
            yield made
    except NetnsUnavailable as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize("after_cut", ["idle", "request pending"])
def test_a_vanished_remote_peer_is_noticed_and_the_editor_told(
    remote: Remote, after_cut: str
) -> None:
    with remote_debugpy(remote, WAIT), spawn_proxy() as client:
        target = {"host": remote.address, "port": REMOTE_PORT}
        start_session(client, "attach", {"connect": target})
        client.wait_event("smartDebug/ready")
        # attaching off this machine works, with a warning and the way to avoid the exposure
        warned = output_text(client)
        assert "no authentication or encryption" in warned
        tunnel = f"ssh -N -L {REMOTE_PORT}:127.0.0.1:{REMOTE_PORT} user@{remote.address}"
        assert tunnel in warned and f"connect to 127.0.0.1:{REMOTE_PORT}" in warned

        cut(remote)
        pending = client.send_request("threads") if after_cut == "request pending" else None
        said = client.wait_event(
            "output", lambda e: "unexpectedly" in e["body"]["output"], timeout=PEER_LOST_TIMEOUT
        )
        assert f"the debugged program at {remote.address}:{REMOTE_PORT}" in said["body"]["output"]
        client.wait_event("terminated", timeout=PEER_LOST_TIMEOUT)
        client.wait_event("exited", timeout=PEER_LOST_TIMEOUT)
        if pending is not None:  # the editor's request is answered, not left hanging
            failed = client.wait_response(pending, timeout=PEER_LOST_TIMEOUT)
            assert failed["success"] is False and "before answering" in failed["message"]
        client.wait_closed(timeout=PEER_LOST_TIMEOUT)
        assert client.process is not None
        assert client.process.wait(PEER_LOST_TIMEOUT) == 0
