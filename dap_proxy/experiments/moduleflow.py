"""Coverage for module-level and class-level definitions (constants, tables, class attributes).

They run once at import, during collection, before any test starts, so a per-test tracer never
sees them, yet a wrong constant in a table is a classic fault. A test is counted as executing such
a definition when a line it executed reads the defined name (`NAME` or `.NAME`): a static data-flow
link standing in for the dynamic one. The definitions and reads come from `analysis.pysource`.
"""

from __future__ import annotations

from pathlib import Path

from dap_proxy.analysis.pysource import PythonSource
from dap_proxy.analysis.workspace import project_python_files
from dap_proxy.experiments.runners import TestResult

MAX_FILES = 300  # project files scanned for definitions; small programs have a handful


def augment(results: list[TestResult], root: Path) -> None:
    """Add to each test's lines the module/class-level definitions its executed lines read."""
    sources = {
        rel: PythonSource.from_file(root / rel, rel)
        for rel in project_python_files(root)[0][:MAX_FILES]
    }
    defined: dict[str, list[tuple[str, int, int]]] = {}
    for rel, source in sources.items():
        for name, spans in source.definitions().items():
            for start, end in spans:
                defined.setdefault(name, []).append((rel, start, end))
    if not defined:
        return
    for result in results:
        names: set[str] = set()
        for file, line in result.lines:
            found = sources.get(file)
            if found is not None:
                names |= found.reads().get(line, set())
        extra: set[tuple[str, int]] = set()
        for name in names & defined.keys():
            for rel, start, end in defined[name]:
                extra.update((rel, n) for n in range(start, end + 1))
        if extra:
            result.lines = sorted(set(result.lines) | extra)
