"""Offline rules that do not start from the crash line's code: hypotheses from the exception type
and message alone when no frame is in the workspace, and errors the code raised itself in a guard
(blame the call that passed the value in)."""

from __future__ import annotations

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import raise_guard
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
    short,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C

# exception -> (pattern, category, weight, statement template with {msg}, falsified if)
_MESSAGE_ONLY: dict[str, list[tuple[P, C, float, str, str]]] = {
    "KeyError": [
        (
            P.WRONG_KEY,
            C.LOGIC_ERROR,
            0.5,
            "A lookup uses the key {msg}, built differently from the stored keys (case, format or type).",
            "{msg} is stored with exactly this spelling",
        ),
        (
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.3,
            "The key {msg} is right but the data never received that entry.",
            "the data holds {msg}",
        ),
    ],
    "IndexError": [
        (
            P.OFF_BY_ONE,
            C.LOGIC_ERROR,
            0.5,
            "An index runs one past the end of a sequence ({msg}): a loop bound or an i + 1 is off by one.",
            "the failing index is well inside the sequence",
        ),
        (
            P.UNCHECKED_INPUT,
            C.LOGIC_ERROR,
            0.35,
            "A sequence is empty where the code takes an element of it ({msg}).",
            "the sequence is non-empty when it fails",
        ),
    ],
    "ZeroDivisionError": [
        (
            P.DIVISION_BY_ZERO,
            C.LOGIC_ERROR,
            0.55,
            "A count or total is 0 where it is divided by ({msg}): an empty collection is not guarded.",
            "the divisor is non-zero just before the failure",
        ),
        (
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.3,
            "The input has no items for one entry, so its count is 0 ({msg}).",
            "every entry in the input has items",
        ),
    ],
    "RecursionError": [
        (
            P.MISSING_BASE_CASE,
            C.LOGIC_ERROR,
            0.55,
            "A recursive function never reaches its base case ({msg}).",
            "successive calls approach the base case",
        ),
        (
            P.CONSTRAINT_VIOLATION,
            C.DATA_CORRUPTION,
            0.3,
            "The data followed by the recursion has a cycle ({msg}).",
            "walking the data never revisits an item",
        ),
    ],
    "AttributeError": [
        (
            P.NULL_HANDLING,
            C.LOGIC_ERROR,
            0.55,
            "A value is None/missing where an attribute is read ({msg}).",
            "the object is set when the attribute is read",
        ),
        (
            P.WRONG_TYPE,
            C.LOGIC_ERROR,
            0.3,
            "An object of another type reaches the code ({msg}).",
            "the object has the expected type",
        ),
    ],
    "TypeError": [
        (
            P.NULL_HANDLING,
            C.LOGIC_ERROR,
            0.45,
            "A None reaches an operation that needs a value ({msg}).",
            "no operand is None when it fails",
        ),
        (
            P.WRONG_TYPE,
            C.LOGIC_ERROR,
            0.4,
            "A value of the wrong type reaches an operation ({msg}).",
            "every operand has its intended type",
        ),
    ],
    "ValueError": [
        (
            P.UNCHECKED_INPUT,
            C.LOGIC_ERROR,
            0.45,
            "An input value is outside what the code accepts ({msg}).",
            "the input is valid by the contract",
        ),
        (
            P.SCHEMA_MISMATCH,
            C.DATA_CORRUPTION,
            0.35,
            "The input's format changed ({msg}).",
            "the input has the documented format",
        ),
    ],
}


def message_only(inp: RuleInput) -> list[Candidate]:
    """Hypotheses from the exception type and message when no frame is in the workspace."""
    if inp.site is not None:
        return []
    msg = inp.message or inp.exc_type
    out = []
    for pattern, category, weight, statement, falsified in _MESSAGE_ONLY.get(inp.exc_type, []):
        out.append(
            Candidate(
                pattern,
                category,
                weight,
                statement.format(msg=msg),
                evidence=[inp.traceback_evidence()],
                falsification=[falsified.format(msg=msg)],
                testing=[
                    inp.reproduce_step(),
                    "Run it again with the traceback visible to find the line",
                ],
                symptoms=[f"{inp.exc_type}: {msg}"],
            )
        )
    return out


def raised_by_guard(inp: RuleInput) -> list[Candidate]:
    """The code raised the error itself (`if not 0 <= k < len(values): raise IndexError`): the
    guard is right, the value came in wrong, so blame the call that passed it, especially a
    recursive call adjusting its own argument."""
    site, caller = inp.site, inp.caller
    if site is None or caller is None or not site.code.startswith("raise"):
        return []
    if caller.function.startswith("test") or caller.function == "<module>":
        return []
    func = site.source.function_at(site.line)
    guard = None
    guard_line = site.line
    found = raise_guard(func, site.line)
    if found is not None:
        guard, guard_line = site.source.segment(found.test), found.lineno
    recursive = caller.function == site.function
    call = caller.code
    statement = (
        f"The call `{call}` at {caller.where} passes an argument `{site.function}` rejects"
        + (f" (its guard `{guard}` at {site.rel}:{guard_line} fails)" if guard else "")
        + (
            ": the recursive call adjusts its argument wrongly (an offset left out or off by one)."
            if recursive
            else ": the value is computed wrongly before the call."
        )
    )
    return [
        Candidate(
            P.WRONG_COMPUTATION,
            C.LOGIC_ERROR,
            0.6 if recursive else 0.45,
            statement,
            evidence=[
                inp.traceback_evidence(),
                code_evidence(caller.source, caller.line, "the call that passed the value"),
            ],
            falsification=[
                f"the arguments of `{call}` satisfy `{guard or 'the guard'}` for valid inputs"
            ],
            testing=[
                inp.reproduce_step(),
                f"Log the arguments at {caller.where} for the failing case",
            ],
            symptoms=["the guard fires only after this call path"],
            locations=[caller.location("call passing the bad value"), site.location("guard")],
            probes=[
                probe(
                    ProbeKind.LOGPOINT,
                    caller.rel,
                    caller.line,
                    f"log what `{call}` passes",
                    log_message=f"{short(call, 60)} with {{locals()}}",
                    score=0.75,
                )
            ],
        )
    ]
