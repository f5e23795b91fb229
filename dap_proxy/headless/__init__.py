"""A headless DAP client of smart-debug's own proxy: what `smart-debug run`, `verify` and the MCP
server use to drive a debug session exactly as an editor would (spawn `python -m dap_proxy`,
initialize, launch or attach with a launch.json-shaped configuration, breakpoints,
configurationDone, then stops, steps, evaluation and the live session's `smartDebug/*`
requests and events). Synchronous and thread-safe; see `session.HeadlessSession`.
"""

from dap_proxy.headless.config import LaunchConfig, SourceBreakpoint, Timeouts
from dap_proxy.headless.session import HeadlessError, HeadlessSession, LiveUnavailable
from dap_proxy.headless.state import FrameInfo, Phase, SessionState, StopInfo

__all__ = [
    "FrameInfo",
    "HeadlessError",
    "HeadlessSession",
    "LaunchConfig",
    "LiveUnavailable",
    "Phase",
    "SessionState",
    "SourceBreakpoint",
    "StopInfo",
    "Timeouts",
]
