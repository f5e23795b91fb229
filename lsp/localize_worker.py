"""`python -m lsp.localize_worker`: one `localize` run for the language server, in a process of
its own, so that the test runs never compete with the server's answers to the editor and a
server that dies takes its run with it. The request (`WorkerRequest` JSON) is the first line of
stdin; the run happens in the current folder, is recorded in the workspace store, and writes JSON
lines on stdout:

    {"progress": "running the tests under coverage", "fraction": 0.25}
    {"done": {"session": 7, "suggestions": [...], "hypotheses": [...], ...}}   (localize --json's
                                                                                object + session)
    {"error": "the command never failed ...", "exitCode": 3}
    {"cancelled": true}

The end of stdin (the server closed it, or died) and SIGTERM both stop the run through
localize's own `stop`: its test processes end and its scratch copies are removed.
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


class WorkerRequest(BaseModel):
    command: list[str] = Field(min_length=1)
    budget: float = Field(gt=0)


def _emit(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def main() -> int:
    # Our protocol gets the real stdout; anything else printed goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr
    stop = threading.Event()  # localize also sets it when it returns
    cancelled = threading.Event()

    def cancel() -> None:
        cancelled.set()
        stop.set()

    def cancel_when_stdin_ends() -> None:
        sys.stdin.read()
        cancel()

    signal.signal(signal.SIGTERM, lambda signum, frame: cancel())
    request = WorkerRequest.model_validate_json(sys.stdin.readline())
    threading.Thread(target=cancel_when_stdin_ends, daemon=True).start()

    from dap_proxy.experiments.localize import LocalizeError, LocalizeOptions, localize
    from dap_proxy.experiments.recording import record
    from dap_proxy.experiments.report import to_json

    cwd = Path.cwd()
    options = LocalizeOptions(command=request.command, cwd=cwd, budget=request.budget)
    try:
        report = localize(
            options, lambda what, f: _emit(out, {"progress": what, "fraction": f}), stop
        )
    except LocalizeError as error:
        if cancelled.is_set():
            _emit(out, {"cancelled": True})
            return 130
        _emit(out, {"error": str(error), "exitCode": error.exit_code})
        return error.exit_code
    _emit(out, {"done": {"session": record(cwd, report), **to_json(report)}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
