"""Offline rule for a failing assertion in a test: follow the functions the assertion calls into the
code under test (through the test file's imports) and question their boundary comparisons with the
failing case's own values (`count > BULK_THRESHOLD` when the test passes exactly the threshold)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import Candidate, RuleInput, code_evidence, probe
from dap_proxy.hypotheses.codeview import SourceView, view
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import CodeLocation
from dap_proxy.hypotheses.models import HypothesisCategory as C

_BOUNDARY_OPS = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<="}
_BUILTINS = {"len", "round", "sorted", "list", "dict", "set", "str", "int", "float", "abs"}
_FLIP = {">": ">=", "<": "<=", ">=": ">", "<=": "<"}
_PARAM_ID = re.compile(r"\[(?P<id>[^\]]+)\]$")
_OBTAINED = re.compile(r"assert (?P<got>.+?) == (?P<want>.+?)(?:\s*$|\s+±)", re.M)


def _is_test(inp: RuleInput) -> bool:
    site = inp.site
    return site is not None and (
        site.function.startswith("test")
        or "/tests/" in f"/{site.rel}"
        or site.rel.startswith("test_")
    )


def _module_for(test: SourceView, name: str, workspace: Path) -> tuple[SourceView, str] | None:
    """The workspace file defining `name` as imported by the test (`from cart import discount`)."""
    if test.tree is None:
        return None
    test_dir = (workspace / test.rel).parent
    for node in ast.walk(test.tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) != name:
                    continue
                relative = Path(*node.module.split(".")).with_suffix(".py")
                for base in (test_dir, test_dir.parent, workspace, workspace / "src"):
                    candidate = base / relative
                    if candidate.is_file():
                        rel = candidate.resolve().relative_to(workspace.resolve()).as_posix()
                        return view(workspace, rel), alias.name
    return None


def _callees(source: SourceView, line: int) -> list[str]:
    names = []
    for node in source.nodes_on_line(line):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id not in _BUILTINS
        ):
            names.append(node.func.id)
    return names


def _module_constant(source: SourceView, name: str) -> str | None:
    if source.tree is None:
        return None
    for node in source.tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ):
            return repr(node.value.value)
    return None


def _comparisons(
    source: SourceView, function: str, depth: int = 1
) -> list[tuple[str, ast.Compare]]:
    """Boundary comparisons in `function` and (one level down) in the functions it calls."""
    found: list[tuple[str, ast.Compare]] = []
    for func in source.functions(function):
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Compare)
                and len(node.ops) == 1
                and type(node.ops[0]) in _BOUNDARY_OPS
            ):
                found.append((function, node))
            elif (
                depth
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id != function
            ):
                found.extend(_comparisons(source, node.func.id, depth - 1))
    return found


def assertion_in_test(inp: RuleInput) -> list[Candidate]:
    if inp.exc_type != "AssertionError" or not _is_test(inp):
        return []
    site = inp.site
    assert site is not None
    workspace = Path(inp.context.workspace)
    failing = inp.context.failing_test or ""
    param = _PARAM_ID.search(failing)
    case_value = param["id"] if param else None
    said = inp.context.failure.assertion or inp.message
    values = _OBTAINED.search(said)
    observed = f" (the test got {values['got']}, expected {values['want']})" if values else ""
    out: list[Candidate] = []
    for callee in dict.fromkeys(_callees(site.source, site.line)):
        found = _module_for(site.source, callee, workspace)
        if found is None:
            continue
        module, real_name = found
        for owner, cmp in _comparisons(module, real_name):
            op = _BOUNDARY_OPS[type(cmp.ops[0])]
            left, right = module.segment(cmp.left), module.segment(cmp.comparators[0])
            text = module.segment(cmp)
            bound = _module_constant(module, right) or _module_constant(module, left)
            at_boundary = (
                case_value is not None and bound is not None and case_value == bound.strip("'\"")
            )
            bound_note = (
                f" ({right} = {bound})" if bound and _module_constant(module, right) else ""
            )
            case_note = (
                f" the failing case {failing.split('::')[-1]} uses exactly {case_value},"
                if at_boundary
                else ""
            )
            statement = (
                f"`{text}` at {module.rel}:{cmp.lineno} in `{owner}` gets the boundary wrong{bound_note}:"
                f"{case_note} where the test expects the other branch; it probably needs "
                f"`{left} {_FLIP[op]} {right}`{observed}."
            )
            probes = [
                probe(
                    ProbeKind.CONDITIONAL,
                    module.rel,
                    cmp.lineno,
                    f"stop exactly at the boundary of `{text}`",
                    condition=f"{left} == {right}",
                    score=0.85,
                ),
                probe(
                    ProbeKind.LOGPOINT,
                    module.rel,
                    cmp.lineno,
                    f"log both sides of `{text}`",
                    log_message=f"{left}={{{left}}} {right}={{{right}}}",
                    score=0.75,
                ),
            ]
            out.append(
                Candidate(
                    P.OFF_BY_ONE,
                    C.LOGIC_ERROR,
                    0.75 if at_boundary else 0.45,
                    statement,
                    evidence=[
                        inp.traceback_evidence(),
                        code_evidence(module, cmp.lineno, f"`{callee}` decides with `{text}`"),
                    ],
                    falsification=[
                        f"with {left} == {right} the code takes the branch the test expects"
                    ],
                    testing=[
                        inp.reproduce_step(),
                        f"Run `{owner}` with {left} at {right} - 1, {right} and {right} + 1",
                    ],
                    symptoms=[
                        f"only inputs where {left} == {right} fail",
                        "values on either side pass",
                    ],
                    locations=[
                        CodeLocation(
                            file=module.rel,
                            line=cmp.lineno,
                            function=owner,
                            code=module.line(cmp.lineno),
                            role="boundary comparison",
                        )
                    ],
                    probes=probes,
                )
            )
    if out:
        out.append(
            Candidate(
                P.UNKNOWN,
                C.LOGIC_ERROR,
                0.15,
                f"The expectation in `{site.code}` ({site.where}) is wrong and the code is right: "
                "the test encodes a different reading of the specification.",
                evidence=[inp.traceback_evidence()],
                falsification=["the specification / product owner confirms the test's expectation"],
                testing=["Check the requirement the test was written from"],
                symptoms=["only this test disagrees; other callers rely on the current behaviour"],
                locations=[site.location("assertion")],
            )
        )
    return out
