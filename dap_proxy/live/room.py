"""The live-session room (placeholder while the room is built)."""

from __future__ import annotations

from dap_proxy.breakpoints.room import BreakpointsRoom
from dap_proxy.live.options import ConfigError, LiveConfig, read_config
from dap_proxy.proxy.rooms import Room
from dap_proxy.wire.framing import Message


class LiveRoom(Room):
    name = "live session"

    def __init__(self, breakpoints: BreakpointsRoom) -> None:
        self.breakpoints = breakpoints
        self.config = LiveConfig()

    async def launch_request(self, request: Message) -> Message | None:
        arguments = request.get("arguments")
        try:
            config, forwarded = read_config(arguments if isinstance(arguments, dict) else {})
        except ConfigError as exc:
            await self.session.respond_error(
                request, f"invalid {request['command']} configuration: {exc}"
            )
            return None
        self.config = config
        request["arguments"] = forwarded
        for problem in config.problems:
            await self.session.output(f"smart-debug: {problem}")
        return request

    attach_request = launch_request
