"""Optional traffic log for troubleshooting (`--log-file PATH` or env `SMART_DEBUG_LOG`).

One JSON line per message: time, peer, direction and the message (or the frame error). Off by
default; when off the channels carry no tap at all, so the hot path pays nothing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import TextIO

from dap_proxy.wire.framing import FrameError, Message

LOG_ENV = "SMART_DEBUG_LOG"


class TrafficLog:
    def __init__(self, path: str) -> None:
        self._file: TextIO = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115

    @classmethod
    def from_options(cls, path: str | None) -> TrafficLog | None:
        path = path or os.environ.get(LOG_ENV) or None
        return cls(path) if path else None

    def tap(self, peer: str) -> Callable[[str, Message | FrameError], None]:
        def write(direction: str, item: Message | FrameError) -> None:
            record: dict[str, object] = {"t": round(time.time(), 6), "peer": peer, "dir": direction}
            if isinstance(item, FrameError):
                record["frame_error"] = {"kind": item.kind.value, "message": item.message}
            else:
                record["message"] = item
            self._file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

        return write

    def note(self, text: str) -> None:
        self._file.write(json.dumps({"t": round(time.time(), 6), "note": text}) + "\n")

    def close(self) -> None:
        self._file.close()
