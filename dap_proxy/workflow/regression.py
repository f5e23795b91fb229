"""A regression test from the evidence: the arguments the live session captured at the entry of
the function where the top hypothesis lives (as reprs; only values `ast.literal_eval` reads back),
and an oracle — the confirming mutant's behaviour (it made the failing tests pass), or, for a
crash with no fix known, "does not raise the observed exception". The test is run at once: it
must fail on the current code, else it is discarded with a message. It is written into the
report folder, and into the user's tree only with `--write-test PATH`."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from dap_proxy.analysis.callers import parameters
from dap_proxy.analysis.dataflow import function_at
from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.mutants import mutants_for_lines
from dap_proxy.evidence.reports.model import Regression, RunReport
from dap_proxy.workflow.run import RunState

CALL_TIMEOUT = 20.0  # seconds for the helper process calling the function on all cases
TEST_TIMEOUT = 60.0  # seconds for the generated test's own run
MAX_CASES = 5
_CALLER = r"""
import json, sys, types, importlib
spec = json.loads(sys.stdin.read())
sys.path.insert(0, spec["root"])
if spec.get("source") is not None:
    module = types.ModuleType(spec["module"])
    module.__file__ = spec["path"]
    module.__package__ = spec["module"].rpartition(".")[0]
    sys.modules[spec["module"]] = module
    exec(compile(spec["source"], spec["path"], "exec"), module.__dict__)
else:
    module = importlib.import_module(spec["module"])
function = getattr(module, spec["function"])
out = []
for case in spec["cases"]:
    args = {k: eval(v, {}) for k, v in case.items()}
    try:
        out.append({"ok": True, "value": repr(function(**args))})
    except BaseException as exc:
        out.append({"ok": False, "value": type(exc).__name__})
print(json.dumps(out))
"""


def _module_of(path: Path) -> tuple[Path, str]:
    """(sys.path root, dotted module name) for a file, by its packages' `__init__.py`."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def _readable(text: str) -> bool:
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _cases(state: RunState, path: Path, line: int, names: list[str]) -> list[dict[str, str]]:
    cases: list[dict[str, str]] = []
    for body in state.observation.view.evidence:
        if body.kind != "probe" or body.line != line or not body.file:
            continue
        file = Path(body.file) if Path(body.file).is_absolute() else state.options.cwd / body.file
        if file.resolve() != path.resolve():
            continue
        values = {k.removeprefix("repr(").removesuffix(")"): v for k, v in body.values.items()}
        case = {n: values[n] for n in names if n in values}
        if (
            len(case) == len(names)
            and all(_readable(v) for v in case.values())
            and case not in cases
        ):
            cases.append(case)
    return cases


def _call(
    root: Path,
    module: str,
    function: str,
    path: Path,
    cases: list[dict[str, str]],
    source: str | None,
    python: str,
) -> list[dict[str, object]] | None:
    spec = {
        "root": str(root),
        "module": module,
        "function": function,
        "path": str(path),
        "cases": cases,
        "source": source,
    }
    try:
        done = subprocess.run(
            [python, "-c", _CALLER], input=json.dumps(spec), capture_output=True, text=True,
            timeout=CALL_TIMEOUT, cwd=root,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        return list(json.loads(done.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return None


def _fixing_source(
    report: RunReport, state: RunState, rel: str, line: int, text: str
) -> str | None:
    if state.localized is None:
        return None
    wanted = {
        e.description for e in state.localized.experiments
        if e.outcome == "fixed" and e.file == rel and e.line == line
    }  # fmt: skip
    for mutant in mutants_for_lines(rel, text, [line]).get(line, []):
        if f"line {mutant.line}: {mutant.description}" in wanted:
            return mutant.source
    return None


def regression_for(
    report: RunReport, state: RunState, stem: Path, write_test: Path | None
) -> Regression:
    top = report.hypotheses[0]
    if not top.locations:
        return Regression(status="cannot", reason=f"{top.id} names no place in the code")
    where = top.locations[0]
    path = (state.options.cwd / where.file).resolve()
    try:
        analysis = analyze_file(path)
    except AnalysisError as exc:
        return Regression(status="cannot", reason=str(exc))
    function = function_at(analysis, where.line)
    if function is None or "." in function.qualname or path.suffix != ".py":
        return Regression(
            status="cannot",
            reason=f"{where.file}:{where.line} is not in a module-level Python function",
        )
    names = parameters(analysis, function)
    cases = _cases(state, path, function.body_line, names)[:MAX_CASES]
    if not cases:
        why = "" if report.live else " (the proxy's live session did not answer)"
        return Regression(
            status="cannot", function=function.qualname,
            reason=f"no repr-able arguments were observed at the entry of `{function.qualname}`{why}",
        )  # fmt: skip
    root, module = _module_of(path)
    python = sys.executable
    current = _call(root, module, function.name, path, cases, None, python)
    source = _fixing_source(report, state, where.file, where.line, path.read_text(encoding="utf-8"))
    if current is None:
        return Regression(
            status="cannot",
            function=function.qualname,
            reason="calling the function with the observed arguments failed to run",
        )
    lines: list[str] = []
    if source is not None:
        fixed = _call(root, module, function.name, path, cases, source, python) or []
        for case, now, then in zip(cases, current, fixed, strict=False):
            if then.get("ok") and now != then and _readable(str(then["value"])):
                lines.append(_assert_equal(function.name, case, str(then["value"])))
        oracle = "the confirming change's result"
    else:
        error = report.failure.type or ""
        for case, now in zip(cases, current, strict=False):
            if not now.get("ok") and now.get("value") == error:
                lines.append(f"    {function.name}({_args(case)})  # raised {error}")
        oracle = f"does not raise {error}" if error else "no expectation known"
    if not lines:
        return Regression(
            status="discarded", function=function.qualname,
            reason=f"none of the {len(cases)} observed call(s) behaves differently under {oracle}: a test from them would pass on the buggy code",
        )  # fmt: skip
    test = _test_file(report, root, module, function.name, lines, oracle)
    target = stem.with_suffix(".py")
    target.parent.mkdir(parents=True, exist_ok=True)
    target = target.parent / f"test_regression_{target.name}"
    target.write_text(test, encoding="utf-8")
    passed = _passes(target, root)
    if passed is None:
        target.unlink(missing_ok=True)
        return Regression(
            status="discarded",
            function=function.qualname,
            reason="the generated test could not be run",
        )
    if passed:
        target.unlink(missing_ok=True)
        return Regression(
            status="discarded",
            function=function.qualname,
            reason="the generated test passes on the current (buggy) code, so it would not catch the bug: discarded",
        )
    shown = _shown(target, state.options.cwd)
    if write_test is not None:
        user = write_test if write_test.is_absolute() else state.options.cwd / write_test
        user.parent.mkdir(parents=True, exist_ok=True)
        user.write_text(test, encoding="utf-8")
        shown = _shown(user, state.options.cwd)
    return Regression(
        status="written", path=shown, function=function.qualname, cases=len(lines),
        failed_on_current_code=True,
        reason=f"calls `{function.qualname}` with {len(lines)} observed argument set(s) and checks {oracle}; it fails on the current code",
    )  # fmt: skip


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)


def _args(case: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in case.items())


def _assert_equal(name: str, case: dict[str, str], expected: str) -> str:
    value = ast.literal_eval(expected)
    wanted = f"pytest.approx({expected})" if isinstance(value, float) else expected
    return f"    assert {name}({_args(case)}) == {wanted}"


def _test_file(
    report: RunReport, root: Path, module: str, name: str, lines: list[str], oracle: str
) -> str:
    header = [
        f'"""Regression test written by smart-debug from the evidence of "{report.title}"',
        f"({report.created_at}): arguments observed at the entry of `{name}`, expected: {oracle}.",
        '"""',
        "",
        "import sys",
        "",
        "import pytest",
        "",
        f"sys.path.insert(0, {str(root)!r})",
        f"from {module} import {name}  # noqa: E402",
        "",
        "",
        f"def test_regression_{name}():",
    ]
    return "\n".join([*header, *lines]) + "\n"


def _passes(test: Path, root: Path) -> bool | None:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
            cwd=root, capture_output=True, text=True, timeout=TEST_TIMEOUT,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode not in (0, 1):
        return None
    return done.returncode == 0
