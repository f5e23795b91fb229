"""Offline rule for a failing assertion in a test: follow the functions the assertion calls into the
code under test (through the test file's imports) and question their boundary comparisons with the
failing case's own values (`count > BULK_THRESHOLD` when the test passes exactly the threshold)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pysource import (
    PythonSource,
    imported_sources,
    python_source,
    resolve_module,
)
from dap_proxy.hypotheses.candidates import Candidate, RuleInput, code_evidence, probe
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import CodeLocation
from dap_proxy.hypotheses.models import HypothesisCategory as C

_BOUNDARY_OPS = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<="}
_MUTATORS = {"append", "extend", "add", "update", "insert", "pop", "remove", "clear", "setdefault"}
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


def _module_for(test: PythonSource, name: str, workspace: Path) -> tuple[PythonSource, str] | None:
    """The workspace file defining `name` as imported by the test (`from cart import discount`)."""
    imported = test.imported_name(name)
    if imported is None:
        return None
    module, original = imported
    rel = resolve_module(module, test.rel, workspace)
    return (python_source(workspace, rel), original) if rel is not None else None


def _imported_modules(test: PythonSource, workspace: Path) -> list[PythonSource]:
    return imported_sources(test, workspace)


def _attribute_callees(source: PythonSource, line: int) -> list[str]:
    return [
        n.func.attr
        for n in source.nodes_on_line(line)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]


def _self_mutations(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    """self attributes a method changes -> first line (assignment, augmented, or a mutating call)."""
    found: dict[str, int] = {}
    for node in ast.walk(func):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
        ):
            targets = [node.func.value]
        for target in targets:
            while isinstance(target, ast.Subscript):
                target = target.value
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                found.setdefault(target.attr, getattr(node, "lineno", func.lineno))
    return found


def _callees(source: PythonSource, line: int) -> list[str]:
    names = []
    for node in source.nodes_on_line(line):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id not in _BUILTINS
        ):
            names.append(node.func.id)
    return names


def _module_constant(source: PythonSource, name: str) -> str | None:
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
    source: PythonSource, function: str, depth: int = 1
) -> list[tuple[str, ast.Compare]]:
    """Boundary comparisons in `function` and (one level down) in the functions or methods it
    calls that are defined in the same file."""
    found: list[tuple[str, ast.Compare]] = []
    for func in source.functions(function):
        owner = source.qualname(func.lineno, func.name)
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Compare)
                and len(node.ops) == 1
                and type(node.ops[0]) in _BOUNDARY_OPS
            ):
                found.append((owner, node))
            elif depth and isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name and name != function and source.functions(name):
                    found.extend(_comparisons(source, name, depth - 1))
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
    imported = _imported_modules(site.source, workspace)
    targets: list[tuple[PythonSource, str]] = []
    for callee in dict.fromkeys(_callees(site.source, site.line)):
        found = _module_for(site.source, callee, workspace)
        if found is not None:
            targets.append(found)
    for method in dict.fromkeys(_attribute_callees(site.source, site.line)):
        targets.extend((m, method) for m in imported if m.functions(method))
    seen: set[tuple[str, int]] = set()
    for module, real_name in targets:
        for owner, cmp in _comparisons(module, real_name):
            if (module.rel, cmp.lineno) in seen:
                continue
            seen.add((module.rel, cmp.lineno))
            op = _BOUNDARY_OPS[type(cmp.ops[0])]
            left, right = module.segment(cmp.left), module.segment(cmp.comparators[0])
            text = module.segment(cmp)
            bound = _module_constant(module, right) or _module_constant(module, left)
            # A comparison guarding a `raise` validates input; it rarely decides the result.
            guard = any(
                isinstance(parent, ast.If)
                and any(isinstance(stmt, ast.Raise) for stmt in parent.body)
                for parent in module.ancestors(cmp)[:2]
            )
            at_boundary = (
                case_value is not None and bound is not None and case_value == bound.strip("'\"")
            )
            weight = 0.75 if at_boundary else 0.15 if guard else 0.35
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
                    weight,
                    statement,
                    evidence=[
                        inp.traceback_evidence(),
                        code_evidence(module, cmp.lineno, f"`{owner}` decides with `{text}`"),
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


def wrong_result(inp: RuleInput) -> list[Candidate]:
    """The function the assertion calls returns the wrong value: point into its definition."""
    if inp.exc_type != "AssertionError" or not _is_test(inp):
        return []
    site = inp.site
    assert site is not None
    workspace = Path(inp.context.workspace)
    said = inp.context.failure.assertion or inp.message
    values = _OBTAINED.search(said)
    observed = (
        f": it gives {values['got']} where the test expects {values['want']}" if values else ""
    )
    modules = _imported_modules(site.source, workspace)
    out: list[Candidate] = []
    callees = dict.fromkeys(
        _callees(site.source, site.line) + _attribute_callees(site.source, site.line)
    )
    for callee in callees:
        for module in modules:
            for func in module.functions(callee):
                returns = [
                    n for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None
                ]
                qual = module.qualname(func.lineno, func.name)
                probes = [
                    probe(
                        ProbeKind.LOGPOINT,
                        module.rel,
                        r.lineno,
                        f"log what `{qual}` returns",
                        log_message=f"{qual} returns {{{module.segment(r.value)}}}",
                        score=0.7,
                    )
                    for r in returns[:2]
                    if r.value is not None
                ]
                out.append(
                    Candidate(
                        P.WRONG_COMPUTATION,
                        C.LOGIC_ERROR,
                        0.3,
                        f"`{qual}` ({module.rel}:{func.lineno}) computes the wrong result for the "
                        f"failing case{observed}; the fault is in its body, not in the test at "
                        f"{site.where}.",
                        evidence=[inp.traceback_evidence()],
                        falsification=[
                            f"`{qual}` returns the expected value when called alone with the test's input"
                        ],
                        testing=[
                            inp.reproduce_step(),
                            f"Call `{qual}` with the failing case's input and step through it",
                        ],
                        symptoms=["other cases of the same function pass; this input class fails"],
                        locations=[
                            CodeLocation(
                                file=module.rel,
                                line=func.lineno,
                                function=qual,
                                code=module.line(func.lineno),
                                role="function under test",
                            )
                        ],
                        probes=probes,
                    )
                )
                break
    return out[:2]


def missing_update(inp: RuleInput) -> list[Candidate]:
    """Sibling methods that change the same state, one of them forgetting part of it: `deposit`
    updates balance and history, `withdraw` only the balance."""
    if inp.exc_type != "AssertionError" or not _is_test(inp):
        return []
    site = inp.site
    assert site is not None
    workspace = Path(inp.context.workspace)
    said = " ".join(
        x
        for x in (inp.context.failure.assertion, inp.message, site.code, inp.context.failing_test)
        if x
    ).lower()
    out: list[Candidate] = []
    for module in _imported_modules(site.source, workspace):
        if module.tree is None:
            continue
        for cls in (n for n in ast.walk(module.tree) if isinstance(n, ast.ClassDef)):
            methods = {
                m.name: (m, _self_mutations(m))
                for m in cls.body
                if isinstance(m, ast.FunctionDef) and not m.name.startswith("__")
            }
            for name, (method, changes) in methods.items():
                for other, (_other_method, other_changes) in methods.items():
                    shared = set(changes) & set(other_changes)
                    missing = sorted(set(other_changes) - set(changes))
                    if other == name or not shared or not missing:
                        continue
                    mentioned = name.lower() in said or any(m.lower() in said for m in missing)
                    if not mentioned:
                        continue
                    attr = missing[0]
                    line = other_changes[attr]
                    statement = (
                        f"`{cls.name}.{name}` ({module.rel}:{method.lineno}) updates "
                        f"`self.{sorted(shared)[0]}` but, unlike `{cls.name}.{other}` (which "
                        f"changes `self.{attr}` at line {line}), never updates `self.{attr}`: "
                        "a statement is missing on that path."
                    )
                    out.append(
                        Candidate(
                            P.MISSING_UPDATE,
                            C.STATE_MANAGEMENT,
                            0.6 if name.lower() in said else 0.4,
                            statement,
                            evidence=[
                                inp.traceback_evidence(),
                                code_evidence(module, line, f"`{other}` changes self.{attr} here"),
                            ],
                            falsification=[
                                f"`self.{attr}` is changed after `{name}` runs (e.g. by its caller)"
                            ],
                            testing=[
                                inp.reproduce_step(),
                                f"Log self.{attr} before and after `{name}`",
                            ],
                            symptoms=[f"`self.{attr}` lacks the effect of every `{name}` call"],
                            locations=[
                                CodeLocation(
                                    file=module.rel,
                                    line=method.lineno,
                                    function=f"{cls.name}.{name}",
                                    code=module.line(method.lineno),
                                    role="path missing the update",
                                )
                            ],
                            probes=[
                                probe(
                                    ProbeKind.LOGPOINT,
                                    module.rel,
                                    method.body[-1].lineno,
                                    f"log self.{attr} at the end of `{name}`",
                                    log_message=f"{name}: self.{attr}={{self.{attr}}}",
                                    score=0.8,
                                )
                            ],
                        )
                    )
    return sorted(out, key=lambda c: -c.weight)[:2]


_STATE_WORDS = ("state", "status", "phase", "stage", "mode")


def _transition_tables(module: PythonSource) -> list[tuple[str, ast.Dict]]:
    """Module-level dicts keyed by tuples of constants: `{("idle", "insert"): "collecting"}`."""
    if module.tree is None:
        return []
    tables = []
    for node in module.tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if (
            isinstance(value, ast.Dict)
            and value.keys
            and all(
                isinstance(k, ast.Tuple) and all(isinstance(e, ast.Constant) for e in k.elts)
                for k in value.keys
            )
        ):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target  # type: ignore[attr-defined]
            tables.append((module.segment(target), value))
    return tables


def wrong_transition(inp: RuleInput) -> list[Candidate]:
    """A state assertion (`machine.state == "idle"`) against a transition table in the code under
    test: the entry for the event the test triggers leads to the state the test got."""
    if inp.exc_type != "AssertionError" or not _is_test(inp):
        return []
    site = inp.site
    assert site is not None
    if not any(word in site.code for word in _STATE_WORDS):
        return []
    said = inp.context.failure.assertion or inp.message
    values = _OBTAINED.search(said)
    if values is None:
        return []
    got, want = values["got"].strip("'\""), values["want"].strip("'\"")
    func = site.source.function_at(site.line)
    test_code = site.source.segment(func) if func else site.code
    out: list[Candidate] = []
    for module in _imported_modules(site.source, Path(inp.context.workspace)):
        for name, table in _transition_tables(module):
            for key, value in zip(table.keys, table.values, strict=True):
                if not isinstance(key, ast.Tuple):
                    continue
                if not (isinstance(value, ast.Constant) and value.value == got):
                    continue
                events = [
                    e.value
                    for e in key.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                ]  # type: ignore[union-attr]
                if not any(
                    re.search(rf"\b{re.escape(e)}\b", test_code) for e in events[1:] or events
                ):
                    continue
                entry = module.segment(key) + ": " + module.segment(value)
                out.append(
                    Candidate(
                        P.WRONG_STATE_TRANSITION,
                        C.STATE_MANAGEMENT,
                        0.75,
                        f"The transition `{entry}` in `{name}` ({module.rel}:{key.lineno}) leads to "
                        f"{got!r} where the test expects {want!r}: the table sends this event to the "
                        "wrong state.",
                        evidence=[
                            inp.traceback_evidence(),
                            code_evidence(
                                module, key.lineno, f"`{name}` maps this event to {got!r}"
                            ),
                        ],
                        falsification=[f"the specification says this event leads to {got!r}"],
                        testing=[
                            inp.reproduce_step(),
                            f"Check every entry of `{name}` against the state diagram",
                        ],
                        symptoms=[f"after this event the state is {got!r}; other events behave"],
                        locations=[
                            CodeLocation(
                                file=module.rel,
                                line=key.lineno,
                                code=module.line(key.lineno),
                                role="transition entry",
                            )
                        ],
                        probes=[
                            probe(
                                ProbeKind.BREAKPOINT,
                                module.rel,
                                key.lineno,
                                f"the table entry for {events}",
                                score=0.5,
                            )
                        ],
                    )
                )
    return out[:2]
