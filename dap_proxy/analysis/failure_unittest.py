"""unittest's failure headers (`FAIL: test_x (pkg.test_mod.TestCase.test_x)`, before Python 3.11
`(pkg.test_mod.TestCase)`): the failing test ids, in unittest's dotted form that
`python -m unittest <id>` runs. The tracebacks under them are ordinary Python tracebacks."""

from __future__ import annotations

import re

_HEADER = re.compile(r"^(?:FAIL|ERROR|UNEXPECTED SUCCESS): ([A-Za-z_]\w*) \(([\w.]+)\)")


def unittest_headers(lines: list[str]) -> dict[int, str]:
    """Line index of each failure header -> the dotted test id."""
    found: dict[int, str] = {}
    for i, line in enumerate(lines):
        if not line.startswith(("FAIL: ", "ERROR: ", "UNEXPECTED SUCCESS: ")):
            continue
        m = _HEADER.match(line)
        if m is None:
            continue
        method, where = m.group(1), m.group(2)
        found[i] = where if where.endswith("." + method) else f"{where}.{method}"
    return found
