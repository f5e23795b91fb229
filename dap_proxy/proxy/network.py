"""Network exposure of the proxy's TCP links: which addresses are loopback, what to tell a user
whose debug port is reachable from other machines, and how a silent peer is noticed.

DAP and debugpy have no authentication or encryption: whoever reaches a debug port can run code
in the debugged program. The safe remote setup keeps the port on the remote machine's loopback
and reaches it through an SSH tunnel (`tunnel_hint`).

A peer that vanishes without closing (its machine off, a cable or VPN cut) sends no FIN or RST:
without help the connection looks open for many minutes. `keep_alive` makes the kernel probe an
idle link and give up on unacknowledged data, so such a link fails within PEER_SILENCE_LIMIT.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket

PEER_SILENCE_LIMIT = 15.0  # seconds: a silent TCP peer is given up after this
_KEEPALIVE_IDLE = 5  # seconds of silence before the first probe
_KEEPALIVE_INTERVAL = 2  # seconds between probes
_KEEPALIVE_PROBES = 5  # unanswered probes: 5 + 5 * 2 = PEER_SILENCE_LIMIT


def is_loopback(host: str) -> bool:
    """True when every address `host` names is a loopback one (unresolvable: False)."""
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return bool(infos) and all(is_loopback(str(info[4][0])) for info in infos)


def tunnel_hint(host: str, port: int) -> str:
    """How to reach a debug port on `host` without exposing it: an SSH tunnel to its loopback."""
    return (
        f"keep the port on {host}'s loopback (`python -m debugpy --listen 127.0.0.1:{port} ...`) "
        f"and tunnel to it: `ssh -N -L {port}:127.0.0.1:{port} user@{host}`, then connect to "
        f"127.0.0.1:{port}"
    )


def exposure_warning(host: str, port: int) -> str:
    return (
        f"smart-debug: the connection to {host}:{port} leaves this machine: debugpy has no "
        "authentication or encryption, so anyone who can reach that port can run code in the "
        f"program and read what the session shows. To avoid the exposure, {tunnel_hint(host, port)}."
    )


def keep_alive(sock: socket.socket) -> None:
    """Make a silent peer fail the connection within PEER_SILENCE_LIMIT (Linux; elsewhere the
    options that exist are set)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    options = (
        ("TCP_KEEPIDLE", _KEEPALIVE_IDLE),
        ("TCP_KEEPINTVL", _KEEPALIVE_INTERVAL),
        ("TCP_KEEPCNT", _KEEPALIVE_PROBES),
        # unacknowledged data (a request sent into the void) counts too, not only idleness
        ("TCP_USER_TIMEOUT", int(PEER_SILENCE_LIMIT * 1000)),
    )
    for name, value in options:
        option = getattr(socket, name, None)
        if option is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, option, value)
