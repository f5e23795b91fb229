"""`python -m lsp.localize_worker`: one `localize` run for the language server, in a process of
its own so that cancelling it is ending a process (and the server's event loop never waits on
the test runs). Reads a `WorkerRequest` as JSON on stdin, runs in the current folder, records the
result in the workspace store, and writes JSON lines on stdout:

    {"progress": "running the tests under coverage", "fraction": 0.25}
    {"done": {"session": 7, "suggestions": [...], "hypotheses": [...], ...}}
    {"error": "the command never failed ...", "exitCode": 3}
    {"cancelled": true}

The request is the first line of stdin; the end of stdin (the server closed it, or died) and
SIGTERM both cancel: localize's own clean-up (scratch copies, test workers) runs before exit.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, Field

SHOWN_SUGGESTIONS = 5  # in the command's result; the store and the lenses have them all


class WorkerRequest(BaseModel):
    command: list[str] = Field(min_length=1)
    budget: float = Field(gt=0)
    top: int = Field(default=10, ge=1)


def _cancel(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _cancel_when_stdin_ends() -> None:
    sys.stdin.read()
    os.kill(os.getpid(), signal.SIGTERM)


def _emit(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def main() -> int:
    # Our protocol gets the real stdout; anything else printed goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr
    signal.signal(signal.SIGTERM, _cancel)
    try:
        request = WorkerRequest.model_validate_json(sys.stdin.readline())
        threading.Thread(target=_cancel_when_stdin_ends, daemon=True).start()
        from dap_proxy.experiments.localize import LocalizeError, LocalizeOptions, localize
        from dap_proxy.experiments.store import record

        cwd = Path.cwd()
        options = LocalizeOptions(
            command=request.command, cwd=cwd, top=request.top, budget=request.budget
        )
        try:
            report = localize(
                options, lambda what, f: _emit(out, {"progress": what, "fraction": f})
            )
        except LocalizeError as error:
            _emit(out, {"error": str(error), "exitCode": error.exit_code})
            return error.exit_code
        session = record(cwd, report)
    except KeyboardInterrupt:
        _emit(out, {"cancelled": True})
        return 130
    done = {
        "session": session,
        "command": report.command,
        "tests": report.tests,
        "failing": report.failing,
        "seconds": report.seconds,
        "suggestions": [s.model_dump(mode="json", exclude_none=True) for s in report.suggestions][
            :SHOWN_SUGGESTIONS
        ],
        "hypotheses": [
            {
                "id": h.id,
                "probability": h.probability,
                "status": h.status.value,
                "statement": h.statement,
            }
            for h in report.hypotheses
        ],
        "notes": report.notes,
    }
    _emit(out, {"done": done})
    return 0


if __name__ == "__main__":
    sys.exit(main())
