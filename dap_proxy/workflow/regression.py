"""A regression test from the evidence: the arguments of the function where the top hypothesis
lives, as the live session saw them (its entry probe, or the calls on the stack at an uncaught
exception), `repr` texts that `ast.literal_eval` reads back; and an oracle: what the function
returns with the confirming change (the mutant that made the failing tests pass), or, for a
crash with no fix known, that it does not raise the observed exception. The test is run at once
(pytest, the run's interpreter): it must fail on the current code, else it is discarded with a
message. It is written into the report folder, and into the user's tree only with
`--write-test PATH` (an existing file there is never overwritten)."""

from __future__ import annotations

import ast
from pathlib import Path

from dap_proxy.analysis.dataflow import flow_of
from dap_proxy.analysis.engine import AnalysisError, analyze_file
from dap_proxy.analysis.models import FunctionInfo
from dap_proxy.analysis.mutants import mutants_for_lines
from dap_proxy.evidence.reports.model import Regression, RunReport
from dap_proxy.live.probes import MAX_VALUE_CHARS
from dap_proxy.workflow.calls import CannotWrite, call
from dap_proxy.workflow.probes import suspect_function
from dap_proxy.workflow.run import RunState
from dap_proxy.workflow.testrun import WarmPytest, run_test

MAX_CASES = 5  # argument sets a test checks


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


def _same_file(name: str | None, path: Path, cwd: Path) -> bool:
    if not name:
        return False
    file = Path(name) if Path(name).is_absolute() else cwd / name
    return file.resolve() == path


def _observed(
    state: RunState, path: Path, function: FunctionInfo
) -> list[tuple[dict[str, str], bool]]:
    """Every set of arguments seen for `function`: (values, read at an exception stop)."""
    cwd = state.options.cwd
    seen: list[tuple[dict[str, str], bool]] = [
        (dict(body.values), False)
        for body in state.observation.view.evidence
        if body.kind == "probe"
        and body.line == function.body_line
        and _same_file(body.file, path, cwd)
    ]
    for stop in state.observation.stops:
        for frame in stop.calls:
            if frame.function == function.qualname and _same_file(frame.file, path, cwd):
                seen.append((frame.arguments, True))
    return seen


def _reassigned(path: Path, function: FunctionInfo, names: list[str]) -> list[str]:
    """Parameters the function binds again: at a crash they may no longer hold the argument."""
    try:
        flow = flow_of(analyze_file(path), function)
    except AnalysisError:
        return names
    return [
        n for n in names if any(d.strong and d.line > function.start_line for d in flow.defs_of(n))
    ]


def _cases(
    state: RunState, path: Path, function: FunctionInfo, names: list[str]
) -> tuple[list[dict[str, str]], list[str]]:
    """Usable argument sets, and why the others could not be used."""
    cases: list[dict[str, str]] = []
    problems: list[str] = []
    moved = _reassigned(path, function, names)
    for values, at_crash in _observed(state, path, function):
        case = {n: values[n] for n in names if n in values}
        why = ""
        if len(case) < len(names):
            why = f"`{next(n for n in names if n not in values)}` could not be read"
        elif at_crash and moved:
            why = f"`{moved[0]}` is assigned again in `{function.qualname}`, so at the crash it may not hold the argument"
        elif any("[REDACTED:" in v for v in case.values()):
            why = "an argument looks like a secret (it was redacted)"
        else:
            bad = next((n for n, v in case.items() if not _readable(v)), None)
            if bad is not None:
                value = case[bad]
                why = (
                    f"`{bad}` is longer than the {MAX_VALUE_CHARS} characters a probe carries"
                    if len(value) >= MAX_VALUE_CHARS
                    else f"`{bad}` is not a literal a test can hold ({value[:60]})"
                )
        if why:
            problems.append(why)
        elif case not in cases:
            cases.append(case)
    return cases, problems


def _fixing_source(state: RunState, rel: str, line: int, path: Path) -> tuple[str, str] | None:
    """(the changed source, what changed) of the mutant that fixed the failing tests."""
    if state.localized is None:
        return None
    wanted = {
        e.description for e in state.localized.experiments
        if e.outcome == "fixed" and e.file == rel and e.line == line
    }  # fmt: skip
    text = path.read_text(encoding="utf-8")
    for mutant in mutants_for_lines(rel, text, [line]).get(line, []):
        if f"line {mutant.line}: {mutant.description}" in wanted:
            return mutant.source, mutant.description
    return None


def _arguments(case: dict[str, str], kinds: dict[str, str]) -> str:
    parts = []
    for name, text in case.items():
        kind = kinds.get(name, "KEYWORD_ONLY")
        prefix = {"POSITIONAL_ONLY": "", "VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(kind)
        parts.append(f"{prefix}{text}" if prefix is not None else f"{name}={text}")
    return ", ".join(parts)


def _checks(
    report: RunReport, name: str, cases: list[dict[str, str]], versions: list[dict[str, object]],
    fix: str | None,
) -> tuple[list[str], str]:  # fmt: skip
    """The test's body lines and the oracle in words."""
    now = versions[0]
    kinds: dict[str, str] = now.get("kinds") or {}  # type: ignore[assignment]
    current: list[dict[str, str]] = now["results"]  # type: ignore[assignment]
    lines: list[str] = []
    if fix is not None and len(versions) > 1 and "results" in versions[1]:
        fixed: list[dict[str, str]] = versions[1]["results"]  # type: ignore[assignment]
        for case, before, after in zip(cases, current, fixed, strict=False):
            if after["ok"] and before != after and _readable(after["value"]):
                expected = after["value"]
                value = ast.literal_eval(expected)
                wanted = f"pytest.approx({expected})" if isinstance(value, float) else expected
                lines.append(f"    assert {name}({_arguments(case, kinds)}) == {wanted}")
        return lines, f"what it returns with the change that made the failing tests pass ({fix})"
    error = (report.failure.type or "").rpartition(".")[2]
    if not error or error == "AssertionError":
        return [], "no expectation known (the failure is a failed assertion and no change fixed it)"
    for case, before in zip(cases, current, strict=False):
        if not before["ok"] and before["value"] == error:
            lines.append(
                f"    # raised {error} on the buggy code: {before.get('message', '')}"[:100]
            )
            lines.append(f"    {name}({_arguments(case, kinds)})")
    return lines, f"it does not raise {error}"


def _source(report: RunReport, test: Path, root: Path, module: str, name: str,
            lines: list[str], oracle: str) -> str:  # fmt: skip
    try:
        up = len(test.resolve().parent.relative_to(root.resolve()).parts)
        where = f"str(Path(__file__).resolve().parents[{up}])"
    except ValueError:
        where = repr(str(root))
    uses_pytest = any("pytest." in line for line in lines)
    return "\n".join([
        f'"""Regression test written by smart-debug from the evidence of "{report.title[:80]}"',
        f"({report.created_at[:19]}): `{name}` called with the arguments observed when it ran;",
        f"expected: {oracle}.",
        '"""',
        "",
        "import sys",
        "from pathlib import Path",
        *(["", "import pytest"] if uses_pytest else []),
        "",
        f"sys.path.insert(0, {where})",
        f"from {module} import {name}  # noqa: E402",
        "",
        "",
        f"def test_regression_{name}():",
        *lines,
    ]) + "\n"  # fmt: skip


def regression_for(
    report: RunReport, state: RunState, test: Path, write_test: Path | None, pytest: WarmPytest
) -> Regression:
    try:
        return _write(report, state, test, write_test, pytest)
    except CannotWrite as exc:
        return Regression(status="cannot", reason=str(exc))


def _write(
    report: RunReport, state: RunState, test: Path, write_test: Path | None, pytest: WarmPytest
) -> Regression:
    top = report.hypotheses[0]
    if not top.locations:
        raise CannotWrite(f"{top.id} names no place in the code")
    where = top.locations[0]
    cwd = state.options.cwd
    path = (cwd / where.file).resolve()
    found = suspect_function(path, where.line)
    if found is None:
        raise CannotWrite(f"{where.file}:{where.line} is not in a Python function")
    function, names = found
    if "." in function.qualname:
        raise CannotWrite(
            f"`{function.qualname}` is not a module-level function (a test would need its "
            "instance or its enclosing function)"
        )
    cases, problems = _cases(state, path, function, names)
    if not cases:
        why = f": {problems[0]}" if problems else (
            "" if report.live else " (the proxy's live session did not answer)"
        )  # fmt: skip
        raise CannotWrite(f"no repr-able arguments of `{function.qualname}` were observed{why}")
    cases = cases[:MAX_CASES]
    root, module = _module_of(path)
    fix = _fixing_source(state, where.file, where.line, path)
    versions = call(
        pytest.python, root, module, function.name, path, cases,
        [None, *([fix[0]] if fix else [])],
    )  # fmt: skip
    lines, oracle = _checks(report, function.name, cases, versions, fix[1] if fix else None)
    base = Regression(status="discarded", function=function.qualname, reason="")
    if not lines:
        base.reason = (
            f"none of the {len(cases)} observed call(s) of `{function.name}` behaves differently "
            f"under the oracle ({oracle}): a test from them would pass on the buggy code"
        )
        return base
    test.parent.mkdir(parents=True, exist_ok=True)
    source = _source(report, test, root, module, function.name, lines, oracle)
    test.write_text(source, encoding="utf-8")
    passed, output = run_test(pytest, test)
    if passed is not False:
        test.unlink(missing_ok=True)
        base.reason = (
            "the generated test passes on the current (buggy) code, so it would not catch the "
            "bug: discarded" if passed else f"the generated test could not be run: {output}"
        )  # fmt: skip
        base.output = output
        return base
    calls = sum(1 for line in lines if not line.lstrip().startswith("#"))
    regression = Regression(
        status="written", path=_shown(test, cwd), function=function.qualname, cases=calls,
        failed_on_current_code=True, test=source, output=output,
        reason=f"calls `{function.name}` with {calls} observed argument set(s) and checks "
        f"{oracle}; it fails on the current code",
    )  # fmt: skip
    if write_test is not None:
        user = write_test if write_test.is_absolute() else cwd / write_test
        if user.exists():
            regression.reason += f"; {_shown(user, cwd)} exists, so it was not overwritten"
        else:
            user.parent.mkdir(parents=True, exist_ok=True)
            user.write_text(
                _source(report, user, root, module, function.name, lines, oracle),
                encoding="utf-8",
            )
            regression.user_path = _shown(user, cwd)
    return regression


def _shown(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)
