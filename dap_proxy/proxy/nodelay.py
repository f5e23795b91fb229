"""TCP_NODELAY for debugpy's adapter<->debuggee sockets (debugpy issue #2054).

Placeholder API; the real mechanism is filled in by its own change. The proxy calls these two
functions for every session where it starts debugpy's adapter itself (launch, listen, processId).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def adapter_command(python: str) -> list[str]:
    """argv that starts debugpy's adapter on stdio under `python` (the proxy's interpreter)."""
    return [python, "-m", "debugpy.adapter"]


def adapter_env(base: Mapping[str, str]) -> dict[str, str]:
    """Environment for the adapter process."""
    return dict(base)


def launch_arguments(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The launch/attach arguments as forwarded to debugpy (the debuggee side of the mechanism)."""
    return dict(arguments)
