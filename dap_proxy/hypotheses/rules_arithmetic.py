"""Offline rule for ZeroDivisionError: the divisor on the crash line that was zero, whether the
data behind it was empty or missing, or whether the formula divides by the wrong variable."""

from __future__ import annotations

import ast

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C


def zero_division(inp: RuleInput) -> list[Candidate]:
    site = inp.site
    if site is None:
        return []
    divs = [
        n
        for n in site.source.nodes_on_line(site.line)
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div | ast.FloorDiv | ast.Mod)
    ]
    ev = [inp.traceback_evidence()]
    divisor = site.source.segment(divs[0].right) if divs else "the divisor"
    expr = site.source.segment(divs[0]) if divs else site.code
    statement = f"`{divisor}` is 0 in `{expr}` at {site.where}"
    empty_seq = None
    locations = [site.location("division")]
    if divs and isinstance(divs[0].right, ast.Name):
        assign = site.source.assignment_of(divisor, site.line)
        if assign is not None:
            value = assign.value
            statement += f": `{site.source.segment(assign)}` (line {assign.lineno})"
            locations.insert(0, site.at(assign.lineno, "divisor computed"))
            if (
                isinstance(value, ast.Call)
                and getattr(value.func, "id", "") == "len"
                and value.args
            ):
                empty_seq = site.source.segment(value.args[0])
                statement += f" is 0 when `{empty_seq}` is empty"
                ev.append(
                    code_evidence(site.source, assign.lineno, f"`{divisor}` is len({empty_seq})")
                )
    elif (
        divs
        and isinstance(divs[0].right, ast.Call)
        and getattr(divs[0].right.func, "id", "") == "len"
    ):
        empty_seq = site.source.segment(divs[0].right.args[0])
        statement += f" when `{empty_seq}` is empty"
    statement += f", a case `{site.function}` does not guard against."
    probes = [
        probe(
            ProbeKind.CONDITIONAL,
            site.rel,
            site.line,
            f"stop when the divisor at {site.where} is 0",
            condition=f"{divisor} == 0",
            score=0.85,
        )
    ]
    caller = inp.caller
    out = [
        Candidate(
            P.DIVISION_BY_ZERO,
            C.LOGIC_ERROR,
            0.7,
            statement,
            evidence=ev,
            falsification=[f"`{divisor}` is non-zero just before {site.where} in the failing run"],
            testing=[
                inp.reproduce_step(),
                f"Call `{site.function}` with an empty `{empty_seq or 'input'}`",
            ],
            symptoms=[f"only inputs with an empty `{empty_seq or 'collection'}` fail"],
            locations=locations,
            probes=probes,
        ),
        Candidate(
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.25,
            f"The data passed to `{site.function}`"
            + (f" by `{caller.code}` ({caller.where})" if caller else "")
            + f" is empty for one entry (e.g. nothing recorded yet), so `{divisor}` is 0: "
            "the upstream data, not the formula, is the surprise.",
            evidence=list(ev),
            falsification=["the failing entry has data in the source it is read from"],
            testing=[inp.reproduce_step(), "List which entries have no data in the input"],
            symptoms=["the same entry fails every time"],
            locations=[caller.location("caller") if caller else site.location("division")],
            probes=probes,
        ),
        Candidate(
            P.WRONG_VARIABLE,
            C.LOGIC_ERROR,
            0.1,
            f"`{expr}` at {site.where} divides by the wrong quantity (`{divisor}` should be another count).",
            evidence=list(ev),
            falsification=[f"the formula's intended divisor is `{divisor}`"],
            testing=[f"Check the formula at {site.where} against its specification"],
            symptoms=["results are wrong even when no exception is raised"],
            locations=[site.location("formula")],
        ),
    ]
    return out
