"""Offline fallback rule: low-weight but specific alternatives so there are always at least
three hypotheses to test."""

from __future__ import annotations

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    probe,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C


def fallback(inp: RuleInput) -> list[Candidate]:
    """Low-weight but specific alternatives so there are always at least three to test."""
    site, caller = inp.site, inp.caller
    out = []
    if site is not None:
        scope = "the script" if site.function == "<module>" else f"`{site.function}`"
        via = f"`{caller.code}` at {caller.where}" if caller else "its caller"
        if site.function.startswith("test"):
            statement = (
                f"The code called by `{site.code}` ({site.where}) returns a wrong result for this "
                "case; the fault is in the code under test, not where the assertion reports it."
            )
        elif site.function == "<module>":
            statement = (
                f"A value computed before {site.where} is already wrong when `{site.code}` runs; "
                "the fault is upstream of the line that reports it."
            )
        else:
            statement = (
                f"`{site.function}` receives from {via} a value it was not written for; "
                f"`{site.code}` at {site.where} is only where it shows."
            )
        out.append(
            Candidate(
                P.UNCHECKED_INPUT,
                C.LOGIC_ERROR,
                0.15,
                statement,
                evidence=[inp.traceback_evidence()],
                falsification=[
                    f"the values used at {site.where} are the ones the code intends"
                    if scope == "the script"
                    else f"the arguments of {scope} in the failing run are ordinary, valid values"
                ],
                testing=[
                    inp.reproduce_step(),
                    f"Log the values used at {site.where}"
                    if scope == "the script"
                    else f"Log the arguments of {scope} on entry",
                ],
                symptoms=["the same inputs always fail"],
                locations=[
                    site.location("symptom"),
                    *([caller.location("caller")] if caller else []),
                ],
                probes=[
                    probe(
                        ProbeKind.BREAKPOINT,
                        site.rel,
                        site.line,
                        f"inspect the state at {site.where}",
                        score=0.5,
                    )
                ],
            )
        )
        out.append(
            Candidate(
                P.WRONG_OPERATOR,
                C.LOGIC_ERROR,
                0.08,
                f"An operator or variable on the path to {site.where} is wrong (e.g. `<` for `<=`, a "
                f"similarly named variable) in {scope}.",
                evidence=[inp.traceback_evidence()],
                falsification=[f"every comparison in {scope} matches its specification"],
                testing=[f"Review the conditions in {scope} with boundary inputs"],
                symptoms=["boundary inputs fail, typical inputs pass"],
                locations=[site.location("symptom")],
            )
        )
    else:
        summary = (inp.exc_type + ": " + inp.message).strip(": ") or "the reported failure"
        out.append(
            Candidate(
                P.UNCHECKED_INPUT,
                C.LOGIC_ERROR,
                0.2,
                f"{summary} comes from an input the code does not handle; no frame in this "
                "workspace shows where, so reproduce it with a traceback first.",
                evidence=[inp.traceback_evidence()] if inp.exc_type else [],
                falsification=["the failure happens with every input"],
                testing=["Reproduce with the reported steps and capture the full traceback"],
                symptoms=["only some inputs fail"],
            )
        )
        out.append(
            Candidate(
                P.MISSING_DATA,
                C.DATA_CORRUPTION,
                0.12,
                f"The input data differs from what the code expects (a missing field or an empty "
                f"collection) and surfaces as {summary}.",
                evidence=[inp.traceback_evidence()] if inp.exc_type else [],
                falsification=["the same input works in another environment"],
                testing=["Capture the input of the failing run and replay it locally"],
                symptoms=["only some records or requests fail"],
            )
        )
    out.append(
        Candidate(
            P.DEPENDENCY_VERSION,
            C.CONFIGURATION_DRIFT,
            0.06,
            "The environment differs from the one where this last worked"
            + (
                f" (Python {inp.context.environment.python_version})"
                if inp.context.environment.python_version
                else ""
            )
            + ": a dependency or setting changed.",
            evidence=[],
            falsification=["the same commit fails the same way in a clean, pinned environment"],
            testing=["Run the failing case in a fresh virtualenv from the lock file"],
            symptoms=["the failure depends on the machine"],
        )
    )
    return out
