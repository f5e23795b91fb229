"""Offline rule for ZeroDivisionError: the divisor on the crash line that was zero, whether the
data behind it was empty or missing, or whether the formula divides by the wrong variable."""

from __future__ import annotations

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import divisions, len_argument
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
    divs = divisions(site.source, site.line)
    ev = [inp.traceback_evidence()]
    divisor = site.source.segment(divs[0].divisor) if divs else "the divisor"
    expr = site.source.segment(divs[0].node) if divs else site.code
    statement = f"`{divisor}` is 0 in `{expr}` at {site.where}"
    empty_seq = None
    locations = [site.location("division")]
    if divs and divs[0].divisor_is_name:
        assign = site.source.assignment_of(divisor, site.line)
        if assign is not None:
            measured = len_argument(assign.value)
            statement += f": `{site.source.segment(assign)}` (line {assign.lineno})"
            locations.insert(0, site.at(assign.lineno, "divisor computed"))
            if measured is not None:
                empty_seq = site.source.segment(measured)
                statement += f" is 0 when `{empty_seq}` is empty"
                ev.append(
                    code_evidence(site.source, assign.lineno, f"`{divisor}` is len({empty_seq})")
                )
    elif divs and divs[0].divisor_len_of is not None:
        empty_seq = site.source.segment(divs[0].divisor_len_of)
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
