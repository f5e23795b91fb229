"""smartDebug.localize's run: `lsp.localize_worker` in a process of its own (a process group, so
its test workers go with it), its progress lines passed on, and cancellation as ending it:
its stdin closed and SIGTERM first so localize removes its scratch copies, SIGKILL for the group
if it lingers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsp.engine import CommandError

STOP_TIMEOUT = 10.0  # seconds a cancelled run gets to clean up before its group is killed
MAX_LINE = 16 * 1024 * 1024  # bytes of one result line (a report with many experiments)

Report = Callable[[str, float | None], None]


class Cancelled(Exception):
    """The run was cancelled before it finished; nothing was recorded."""


async def run_localize(
    command: list[str],
    cwd: Path,
    budget: float,
    report: Report,
    cancel: asyncio.Event,
) -> dict[str, Any]:
    """The worker's result (`done`), `CommandError` when localize could not rank anything,
    `Cancelled` when `cancel` was set (or this task cancelled) first."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lsp.localize_worker",
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,
        limit=MAX_LINE,
    )
    assert process.stdin is not None and process.stdout is not None
    # One line of request; stdin stays open: its end tells the worker to stop (even when this
    # server dies without a word).
    process.stdin.write(json.dumps({"command": command, "budget": budget}).encode() + b"\n")
    await process.stdin.drain()
    cancelled = asyncio.ensure_future(cancel.wait())
    try:
        while True:
            reading = asyncio.ensure_future(process.stdout.readline())
            await asyncio.wait({reading, cancelled}, return_when=asyncio.FIRST_COMPLETED)
            if cancelled.done():
                reading.cancel()
                raise Cancelled
            line = reading.result()
            if not line:
                await process.wait()
                raise CommandError(f"localize ended without a result (exit {process.returncode})")
            message = json.loads(line)
            if "progress" in message:
                report(str(message["progress"]), message.get("fraction"))
            elif "done" in message:
                await process.wait()
                return dict(message["done"])
            elif "error" in message:
                await process.wait()
                raise CommandError(f"localize: {message['error']}")
            elif message.get("cancelled"):
                raise Cancelled
    finally:
        cancelled.cancel()
        await _stop(process)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.stdin is not None:
        process.stdin.close()
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except asyncio.TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
    # Test workers that outlived the worker (they share its process group).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
