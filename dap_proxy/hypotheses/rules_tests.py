"""Offline rule for a failing assertion in a test: follow the functions the assertion calls into the
code under test (through the test file's imports) and question their boundary comparisons with the
failing case's own values (`count > BULK_THRESHOLD` when the test passes exactly the threshold)."""

from __future__ import annotations

import re
from pathlib import Path

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import attribute_callees as called_methods
from dap_proxy.analysis.pyqueries import (
    boundary_comparisons,
    classes_with_mutations,
    last_statement_line,
    module_constant,
    transition_tables,
    value_returns,
)
from dap_proxy.analysis.pyqueries import callees as called_names
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
    for callee in dict.fromkeys(called_names(site.source, site.line)):
        found = _module_for(site.source, callee, workspace)
        if found is not None:
            targets.append(found)
    for method in dict.fromkeys(called_methods(site.source, site.line)):
        targets.extend((m, method) for m in imported if m.functions(method))
    seen: set[tuple[str, int]] = set()
    for module, real_name in targets:
        for cmp in boundary_comparisons(module, real_name):
            owner = cmp.owner
            if (module.rel, cmp.line) in seen:
                continue
            seen.add((module.rel, cmp.line))
            op = cmp.op
            left, right = module.segment(cmp.left), module.segment(cmp.right)
            text = module.segment(cmp.node)
            bound = module_constant(module, right) or module_constant(module, left)
            # A comparison guarding a `raise` validates input; it rarely decides the result.
            guard = cmp.guards_raise
            at_boundary = (
                case_value is not None and bound is not None and case_value == bound.strip("'\"")
            )
            weight = 0.75 if at_boundary else 0.15 if guard else 0.35
            bound_note = f" ({right} = {bound})" if bound and module_constant(module, right) else ""
            case_note = (
                f" the failing case {failing.split('::')[-1]} uses exactly {case_value},"
                if at_boundary
                else ""
            )
            statement = (
                f"`{text}` at {module.rel}:{cmp.line} in `{owner}` gets the boundary wrong{bound_note}:"
                f"{case_note} where the test expects the other branch; it probably needs "
                f"`{left} {_FLIP[op]} {right}`{observed}."
            )
            probes = [
                probe(
                    ProbeKind.CONDITIONAL,
                    module.rel,
                    cmp.line,
                    f"stop exactly at the boundary of `{text}`",
                    condition=f"{left} == {right}",
                    score=0.85,
                ),
                probe(
                    ProbeKind.LOGPOINT,
                    module.rel,
                    cmp.line,
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
                        code_evidence(module, cmp.line, f"`{owner}` decides with `{text}`"),
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
                            line=cmp.line,
                            function=owner,
                            code=module.line(cmp.line),
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
        called_names(site.source, site.line) + called_methods(site.source, site.line)
    )
    for callee in callees:
        for module in modules:
            for func in module.functions(callee):
                returns = value_returns(func)
                qual = module.qualname(func.lineno, func.name)
                probes = [
                    probe(
                        ProbeKind.LOGPOINT,
                        module.rel,
                        line,
                        f"log what `{qual}` returns",
                        log_message=f"{qual} returns {{{module.segment(value)}}}",
                        score=0.7,
                    )
                    for line, value in returns[:2]
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
        for cls in classes_with_mutations(module):
            methods = cls.methods
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
                                    last_statement_line(method),
                                    f"log self.{attr} at the end of `{name}`",
                                    log_message=f"{name}: self.{attr}={{self.{attr}}}",
                                    score=0.8,
                                )
                            ],
                        )
                    )
    return sorted(out, key=lambda c: -c.weight)[:2]


_STATE_WORDS = ("state", "status", "phase", "stage", "mode")


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
        for name, table in transition_tables(module):
            for entry_of in table:
                key, value = entry_of.key, entry_of.value
                if entry_of.result != got:
                    continue
                events = entry_of.strings
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
