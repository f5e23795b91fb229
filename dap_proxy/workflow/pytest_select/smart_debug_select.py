"""A pytest plugin for `smart-debug run`'s observing session (`-p smart_debug_select`, this
folder on PYTHONPATH): it keeps only the tests named in the file `$SMART_DEBUG_SELECT`, one node
id a line. The session is launched while localize still runs, so which tests fail is not known
yet when pytest's arguments are fixed; pytest collects only after configurationDone, by when
`run` has written the file. A missing or empty file, or ids that match no test, keep every test.

The plugin leaves no trace in the program under test: it takes its variable out of the
environment and its folder out of sys.path and PYTHONPATH when it is loaded."""

from __future__ import annotations

import os
import sys
from typing import Any

VARIABLE = "SMART_DEBUG_SELECT"
_HERE = os.path.dirname(os.path.abspath(__file__))
_SELECTION = os.environ.pop(VARIABLE, "")
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
_rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p != _HERE]
if any(_rest):
    os.environ["PYTHONPATH"] = os.pathsep.join(_rest)
else:
    os.environ.pop("PYTHONPATH", None)


def _wanted() -> set[str]:
    if not _SELECTION:
        return set()
    try:
        with open(_SELECTION, encoding="utf-8") as handle:
            return {line.strip() for line in handle if line.strip()}
    except OSError:
        return set()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    wanted = _wanted()
    kept = [item for item in items if item.nodeid in wanted]
    if not kept:
        return
    dropped = [item for item in items if item.nodeid not in wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
