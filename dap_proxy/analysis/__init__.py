"""The one place that reads code: tree-sitter analysis (critical path facts, data flow,
candidate probes, for Python, JavaScript and TypeScript), traceback parsing, and Python's own
`ast` where the question is about Python semantics (`pysource.PythonSource`, the rules' queries
in `pyqueries`, line priors and mutants for localize). Every entry point takes a file or text
(`analyze_source`, `probes_for_source`, `PythonSource(text, path)`): the language server reads
unsaved buffers.

The public API is re-exported here lazily (importing the package stays cheap for `--help`):
`analyze_source`, `analyze_file`, `function_at`, `find_function`, `names_in_scope`,
`bound_names`, `backward_slice`, `def_use`, `facts_in_lines`, `candidate_probes`,
`probes_for_file`, `probes_at_line`, `expression_parses`, `AnalysisError`, `FileAnalysis`.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "analyze_source": "engine",
    "analyze_file": "engine",
    "AnalysisError": "engine",
    "clear_cache": "engine",
    "function_at": "dataflow",
    "find_function": "dataflow",
    "names_in_scope": "dataflow",
    "bound_names": "dataflow",
    "backward_slice": "dataflow",
    "def_use": "dataflow",
    "uses_at": "dataflow",
    "DefUse": "dataflow",
    "facts_in_lines": "probes",
    "candidate_probes": "probes",
    "probes_for_file": "probes",
    "probes_for_source": "probes",
    "PythonSource": "pysource",
    "python_source": "pysource",
    "imported_sources": "pysource",
    "resolve_module": "pysource",
    "line_priors": "line_priors",
    "mutants_for_lines": "mutants",
    "is_test_path": "workspace",
    "project_python_files": "workspace",
    "probes_at_line": "probes",
    "probes_for_function": "probes",
    "expression_parses": "expressions",
    "expression_names": "expressions",
    "safe_condition": "expressions",
    "FileAnalysis": "models",
    "FunctionInfo": "models",
    "BoundaryConfig": "boundaries",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dap_proxy.analysis' has no attribute {name!r}")
    return getattr(importlib.import_module(f"dap_proxy.analysis.{module}"), name)
