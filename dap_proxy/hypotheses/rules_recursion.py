"""Offline rule for RecursionError: a recursive call that never reaches its base case, data that
breaks the recursion's assumption (e.g. a cycle), or an input deeper than the recursion limit."""

from __future__ import annotations

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import first_argument, recursion
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import CodeLocation
from dap_proxy.hypotheses.models import HypothesisCategory as C


def recursion_error(inp: RuleInput) -> list[Candidate]:
    site = inp.site
    if site is None:
        return []
    source = site.source
    name = site.function
    funcs = source.functions(name)
    func = funcs[0] if funcs else None
    ev = [inp.traceback_evidence()]
    repeated = max((f.repeated for f in inp.context.frames if hasattr(f, "repeated")), default=0)
    if repeated:
        ev.append(
            code_evidence(
                source, site.line, f"`{name}` repeats {repeated} more times in the traceback"
            )
        )
    found = recursion(source, func, name)
    base, call, lookups = found.base, found.call, found.lookups
    call_text = source.segment(call) if call is not None else f"{name}(...)"
    call_line = call.lineno if call is not None else site.line
    if base is not None:
        cond = source.segment(base.test)
        statement = (
            f"`{name}` never reaches its base case `{cond}` (line {base.lineno}): the recursive "
            f"call `{call_text}` at {source.rel}:{call_line} does not move its argument toward it "
            "for this input."
        )
    else:
        statement = (
            f"`{name}` has no base case that stops `{call_text}` at {source.rel}:{call_line}."
        )
    arg = first_argument(call)
    arg_text = source.segment(arg) if arg is not None else None
    probes = [
        probe(
            ProbeKind.HIT_COUNT,
            source.rel,
            call_line,
            f"stop once `{name}` has recursed 50 deep",
            hit_condition=">50",
            score=0.8,
        )
    ]
    if arg_text:
        probes.append(
            probe(
                ProbeKind.LOGPOINT,
                source.rel,
                call_line,
                f"log the argument of each `{name}` call",
                log_message=f"{name}({arg_text}={{repr({arg_text})}})",
                score=0.75,
            )
        )
    locations = [CodeLocation(file=source.rel, line=call_line, role="recursive call")]
    if base is not None:
        locations.insert(0, CodeLocation(file=source.rel, line=base.lineno, role="base case"))
    out = [
        Candidate(
            P.MISSING_BASE_CASE,
            C.LOGIC_ERROR,
            0.6,
            statement,
            evidence=ev,
            falsification=[
                f"the arguments of successive `{name}` calls approach the base case and the input is just very deep"
            ],
            testing=[
                inp.reproduce_step(),
                f"Log the argument of each `{name}` call and look for a repeat or no progress",
            ],
            symptoms=["the same arguments repeat in the call chain", "small inputs also fail"],
            locations=locations,
            probes=probes,
        )
    ]
    if lookups:
        data = lookups[0]
        out.append(
            Candidate(
                P.CONSTRAINT_VIOLATION,
                C.DATA_CORRUPTION,
                0.45,
                f"The data `{data}` that `{name}` follows contains a cycle (an entry leads back to "
                f"an earlier one), so `{call_text}` revisits the same entries forever.",
                evidence=list(ev)
                + [code_evidence(source, call_line, f"`{name}` follows links in `{data}`")],
                falsification=[
                    f"following `{data}` from the failing input never revisits an entry"
                ],
                testing=[f"Walk `{data}` from the failing input keeping a visited set"],
                symptoms=["the logged arguments repeat with a short period"],
                locations=locations[-1:],
                probes=probes[1:],
            )
        )
    out.append(
        Candidate(
            P.UNKNOWN,
            C.RESOURCE_EXHAUSTION,
            0.12,
            f"The input is legitimately deeper than Python's recursion limit (1000 by default) "
            f"and `{name}` needs an iterative form.",
            evidence=list(ev),
            falsification=[
                f"the input's real depth is far below 1000 (the chain of `{name}` calls repeats)"
            ],
            testing=["Measure the input's depth; rerun with sys.setrecursionlimit(10000)"],
            symptoms=["only very large inputs fail"],
            locations=locations[-1:],
        )
    )
    return out
