"""Offline rules for None and type errors: an AttributeError or TypeError on None traced to the
function that returned None or the parameter that was passed it, and wrong operand types or
call signatures."""

from __future__ import annotations

import re

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import (
    Assignment,
    attribute_receiver,
    binary_operation,
    called_function,
    parameters,
    used_as,
)
from dap_proxy.analysis.pysource import PythonSource
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    Site,
    code_evidence,
    probe,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import CodeLocation
from dap_proxy.hypotheses.models import HypothesisCategory as C


def _assigned_from(site: Site, name: str) -> tuple[Assignment | None, str | None]:
    """(assignment node, called function name) for `name = f(...)` before the crash line."""
    node = site.source.assignment_of(name, site.line)
    if node is None:
        return None, None
    return node, called_function(node)


def _none_returns(inp: RuleInput, function: str) -> tuple[PythonSource, list[int]] | None:
    for source in inp.sources:
        lines = source.none_returns(function)
        if lines:
            return source, lines
    return None


_NO_ATTR = re.compile(r"'(?P<type>[\w.]+)' object has no attribute '(?P<attr>\w+)'")
_OPERAND = re.compile(
    r"unsupported operand type\(s\) for (?P<op>\S+): '(?P<a>[\w.]+)' and '(?P<b>[\w.]+)'"
)
_NONE_USE = re.compile(r"'NoneType' object is not (?P<what>subscriptable|iterable|callable)")
_SIGNATURE = re.compile(
    r"(missing \d+ required|takes \d+ positional|unexpected keyword argument|got multiple values)"
)


def _null_candidates(inp: RuleInput, site: Site, expr: str, use: str) -> list[Candidate]:
    """`expr` is None at the site where it is used as `use`."""
    ev = [inp.traceback_evidence()]
    statement = f"`{expr}` is None at {site.where} where `{use}` needs a value"
    locations = [site.location("None used")]
    weight = 0.65
    assign, called = (
        _assigned_from(site, expr.split(".")[0])
        if expr.isidentifier() or "." in expr
        else (None, None)
    )
    origin = ""
    if assign is not None:
        assign_line = assign.lineno
        origin = f"`{site.source.segment(assign)}` (line {assign_line})"
        locations.insert(0, site.at(assign_line, "value assigned"))
        statement += f": it comes from {origin}"
        if called:
            found = _none_returns(inp, called)
            if found:
                src, lines = found
                statement += f", and `{called}` returns None at {src.rel}:{lines[0]}"
                ev.append(code_evidence(src, lines[0], f"`{called}` can return None"))
                locations.append(
                    CodeLocation(file=src.rel, line=lines[0], role=f"{called} returns None")
                )
                weight = 0.85
    statement += f"; `{site.function}` uses it without checking for None."
    probes = [
        probe(
            ProbeKind.CONDITIONAL,
            site.rel,
            site.line,
            f"stop when `{expr}` is None at {site.where}",
            condition=f"{expr} is None",
            score=0.85,
        ),
    ]
    if assign is not None:
        params = _params(site)
        shown = " ".join(f"{p}={{repr({p})}}" for p in params[:3])
        probes.append(
            probe(
                ProbeKind.LOGPOINT,
                site.rel,
                site.line,
                f"log the inputs that lead to `{expr}` being None",
                log_message=f"{expr}={{repr({expr})}} {shown}".strip(),
                score=0.7,
            )
        )
    out = [
        Candidate(
            P.NULL_HANDLING,
            C.LOGIC_ERROR,
            weight,
            statement,
            evidence=ev,
            falsification=[
                f"`{expr}` is not None on the line before {site.where} in the failing run"
            ],
            testing=[
                inp.reproduce_step(),
                f"Break at {site.where} with condition `{expr} is None` and look at the inputs",
            ],
            symptoms=[f"`{expr}` is None only for some inputs (e.g. an id or key with no record)"],
            locations=locations,
            probes=probes,
        )
    ]
    caller = inp.caller
    args = f"`{caller.code}` at {caller.where}" if caller else "its caller"
    out.append(
        Candidate(
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.3,
            f"`{site.function}` is called by {args} with an input that has no matching "
            f"record, so {origin or f'`{expr}`'} is legitimately None: the bad value comes from upstream.",
            evidence=list(ev),
            falsification=["the failing input does have a matching record in the data"],
            testing=[
                inp.reproduce_step(),
                f"Log the arguments of `{site.function}` in the failing run and look them up in the data",
            ],
            symptoms=["only inputs without a record fail"],
            locations=[caller.location("caller") if caller else site.location("use")],
            probes=probes[1:],
        )
    )
    if "self." in expr:
        out.append(
            Candidate(
                P.WRONG_STATE_TRANSITION,
                C.STATE_MANAGEMENT,
                0.35,
                f"`{expr}` is used at {site.where} before it is set (or after it was reset to None): "
                "the object is in the wrong state for this call.",
                evidence=list(ev),
                falsification=[f"`{expr}` was assigned a value earlier in the same object's life"],
                testing=[inp.reproduce_step(), f"Log every assignment to `{expr}`"],
                symptoms=["the failure depends on the order of calls"],
                locations=[site.location("use")],
                probes=probes[:1],
            )
        )
    return out


def _params(site: Site) -> list[str]:
    return parameters(site.source.function_at(site.line))


def attribute_error(inp: RuleInput) -> list[Candidate]:
    site = inp.site
    match = _NO_ATTR.search(inp.message)
    if site is None or match is None:
        return []
    attr, kind = match["attr"], match["type"]
    held = attribute_receiver(site.source, site.line, attr)
    receiver = (site.source.segment(held) if held is not None else None) or "the object"
    if kind == "NoneType":
        return _null_candidates(inp, site, receiver, f"{receiver}.{attr}")
    ev = [inp.traceback_evidence()]
    out = [
        Candidate(
            P.WRONG_TYPE,
            C.LOGIC_ERROR,
            0.55,
            f"`{receiver}` is a {kind} at {site.where}, not the object whose `.{attr}` the code "
            f"expects: a wrong value or variable reaches `{site.function}`.",
            evidence=ev,
            falsification=[f"type({receiver}) at {site.where} is the expected class"],
            testing=[inp.reproduce_step(), f"Log type({receiver}) at {site.where}"],
            symptoms=[f"`{receiver}` is a {kind} only in failing runs"],
            locations=[site.location("attribute access")],
            probes=[
                probe(
                    ProbeKind.LOGPOINT,
                    site.rel,
                    site.line,
                    f"log the type of `{receiver}`",
                    log_message=f"type({receiver})={{type({receiver}).__name__}}",
                )
            ],
        )
    ]
    if kind == "module" or any(f.is_library for f in inp.context.frames):
        out.append(
            Candidate(
                P.API_CHANGE,
                C.INTEGRATION_FAILURE,
                0.45 if kind == "module" else 0.3,
                f"The installed version of the library behind `{receiver}` has no `.{attr}` (renamed "
                f"or removed): {site.where} was written for another version.",
                evidence=list(ev),
                falsification=[
                    f"the library's documentation for the installed version has `.{attr}`"
                ],
                testing=[
                    "Compare `pip show` versions between a working and the failing environment"
                ],
                symptoms=["it started after a dependency upgrade"],
                locations=[site.location("library call")],
            )
        )
    return out


def type_error(inp: RuleInput) -> list[Candidate]:
    site, msg = inp.site, inp.message
    if site is None:
        return []
    ev = [inp.traceback_evidence()]
    if match := _OPERAND.search(msg):
        a, b, op = match["a"], match["b"], match["op"]
        operation = binary_operation(site.source, site.line)
        binop = operation[0] if operation is not None else None
        if "NoneType" in (a, b):
            side = None
            if operation is not None:
                side = operation[2] if b == "NoneType" else operation[1]
            expr = site.source.segment(side) if side is not None else "an operand"
            use = site.source.segment(binop) if binop is not None else site.code
            return _null_candidates(inp, site, expr, use)
        use = site.source.segment(binop) if binop is not None else site.code
        return [
            Candidate(
                P.WRONG_TYPE,
                C.LOGIC_ERROR,
                0.6,
                f"`{use}` at {site.where} applies `{op}` to a {a} and a {b}: one operand has the "
                "wrong type (e.g. a number read as text, or a wrong variable).",
                evidence=ev,
                falsification=["both operands have the intended types in the failing run"],
                testing=[inp.reproduce_step(), f"Log the types of the operands at {site.where}"],
                symptoms=[f"values coming from text/JSON are {a}/{b} instead of numbers"],
                locations=[site.location("mixed-type operation")],
            ),
            Candidate(
                P.SCHEMA_MISMATCH,
                C.DATA_CORRUPTION,
                0.25,
                f"The input feeding `{use}` changed type (e.g. a field now arrives as {b}).",
                evidence=list(ev),
                falsification=["the raw input has the expected type"],
                testing=["Inspect the raw input record of the failing run"],
                symptoms=["only inputs from one source fail"],
                locations=[site.location("operation")],
            ),
        ]
    if match := _NONE_USE.search(msg):
        used: str | None = None
        for node in used_as(site.source, site.line, match["what"]):
            used = site.source.segment(node)
            if used:
                break
        return _null_candidates(inp, site, used or "a value", site.code)
    if _SIGNATURE.search(msg):
        return [
            Candidate(
                P.API_CHANGE,
                C.INTEGRATION_FAILURE,
                0.55,
                f"The call at {site.where} (`{site.code}`) does not match the callee's signature "
                f"({msg}): the callee changed, or the caller was written for another version.",
                evidence=ev,
                falsification=["the callee's current signature accepts this call"],
                testing=["Compare the callee's definition (and version) with the call site"],
                symptoms=["it started after changing the callee or upgrading a dependency"],
                locations=[site.location("call")],
            ),
            Candidate(
                P.WRONG_VARIABLE,
                C.LOGIC_ERROR,
                0.3,
                f"The call at {site.where} passes the wrong arguments ({msg}).",
                evidence=list(ev),
                falsification=["the arguments match the intended parameters one by one"],
                testing=[f"Read the call at {site.where} against the callee's parameters"],
                symptoms=["every call through this path fails"],
                locations=[site.location("call")],
            ),
        ]
    return [
        Candidate(
            P.WRONG_TYPE,
            C.LOGIC_ERROR,
            0.5,
            f"A value of the wrong type reaches `{site.code}` at {site.where}: {msg}.",
            evidence=ev,
            falsification=["every value on that line has its intended type in the failing run"],
            testing=[inp.reproduce_step(), f"Log the types of the values used at {site.where}"],
            symptoms=["only some inputs fail"],
            locations=[site.location("type error")],
        )
    ]
