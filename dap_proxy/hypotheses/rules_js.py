"""Offline rules for JavaScript/TypeScript failures (Node stack traces). The Python `ast` view does not
apply, so these read the crash line and the lines above it as text."""

from __future__ import annotations

import re

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import Candidate, RuleInput, Site, code_evidence, probe
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C

_READ_OF = re.compile(
    r"Cannot read propert(?:y|ies) of (?P<what>undefined|null) \(reading '(?P<attr>[^']+)'\)"
)
_NOT_FUNCTION = re.compile(r"(?P<expr>[\w$.\[\]]+) is not a function")
_NOT_DEFINED = re.compile(r"(?P<name>[\w$]+) is not defined")
_CALL_STACK = "Maximum call stack size exceeded"


def _assignment(site: Site, name: str) -> tuple[int, str] | None:
    """The nearest `const|let|var name = ...` (or `name = ...`) above the crash line."""
    pattern = re.compile(rf"(?:\b(?:const|let|var)\s+)?\b{re.escape(name)}\s*=[^=]")
    for line in range(site.line - 1, max(0, site.line - 40), -1):
        text = site.source.line(line)
        if pattern.search(text):
            return line, text
    return None


def _null_read(inp: RuleInput, site: Site, what: str, attr: str) -> list[Candidate]:
    found = re.search(rf"([\w$]+(?:\.[\w$]+)*)\??\.{re.escape(attr)}\b", site.code)
    receiver = found.group(1) if found else "the object"
    statement = f"`{receiver}` is {what} at {site.where} where `.{attr}` is read"
    locations = [site.location(f"{what} used")]
    evidence = [inp.traceback_evidence()]
    root = receiver.split(".")[0]
    origin = _assignment(site, root) if found else None
    if origin is not None:
        line, text = origin
        statement += f": it comes from `{text}` (line {line}), which yields {what} for some inputs"
        locations.insert(0, site.at(line, "value assigned"))
        evidence.append(code_evidence(site.source, line, f"`{root}` is assigned here"))
    statement += f"; `{site.function}` reads `.{attr}` without checking."
    probes = [
        probe(
            ProbeKind.CONDITIONAL,
            site.rel,
            site.line,
            f"stop when `{receiver}` is {what}",
            condition=f"{receiver} == null",
            score=0.85,
        ),
        probe(
            ProbeKind.LOGPOINT,
            site.rel,
            site.line,
            f"log `{receiver}` before `.{attr}` is read",
            log_message=f"{receiver}={{JSON.stringify({receiver})}}",
            score=0.7,
        ),
    ]
    caller = inp.caller
    return [
        Candidate(
            P.NULL_HANDLING,
            C.LOGIC_ERROR,
            0.8 if origin else 0.65,
            statement,
            evidence=evidence,
            falsification=[f"`{receiver}` is defined just before {site.where} in the failing run"],
            testing=[inp.reproduce_step(), f"Break at {site.where} when `{receiver} == null`"],
            symptoms=[f"only inputs without a matching record make `{receiver}` {what}"],
            locations=locations,
            probes=probes,
        ),
        Candidate(
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.3,
            f"`{site.function}` is called"
            + (f" by `{caller.code}` ({caller.where})" if caller else "")
            + f" with an input that has no record, so `{receiver}` is legitimately {what}.",
            evidence=[inp.traceback_evidence()],
            falsification=["the failing input has a matching record in the data"],
            testing=[f"Log the arguments of `{site.function}` in the failing run"],
            symptoms=["the same input always fails"],
            locations=[caller.location("caller") if caller else site.location("use")],
            probes=probes[1:],
        ),
    ]


def javascript_error(inp: RuleInput) -> list[Candidate]:
    site = inp.site
    if site is None or inp.context.failure.language != "javascript":
        return []
    msg = inp.message
    if match := _READ_OF.search(msg):
        return _null_read(inp, site, match["what"], match["attr"])
    ev = [inp.traceback_evidence()]
    if match := _NOT_FUNCTION.search(msg):
        expr = match["expr"]
        return [
            Candidate(
                P.WRONG_TYPE,
                C.LOGIC_ERROR,
                0.55,
                f"`{expr}` at {site.where} holds a value that is not a function (undefined, a "
                "property of the wrong object, or a misspelt method).",
                evidence=ev,
                falsification=[f"typeof {expr} is 'function' just before {site.where}"],
                testing=[inp.reproduce_step(), f"Log typeof {expr} at {site.where}"],
                symptoms=["every call through this path fails"],
                locations=[site.location("call")],
                probes=[
                    probe(
                        ProbeKind.LOGPOINT,
                        site.rel,
                        site.line,
                        f"log the type of `{expr}`",
                        log_message=f"typeof {expr}={{typeof {expr}}}",
                    )
                ],
            ),
            Candidate(
                P.API_CHANGE,
                C.INTEGRATION_FAILURE,
                0.35,
                f"The library behind `{expr}` no longer has that method in the installed version.",
                evidence=list(ev),
                falsification=["the installed version's documentation has the method"],
                testing=["Compare package-lock.json versions with a working checkout"],
                symptoms=["it started after `npm install` / an upgrade"],
                locations=[site.location("call")],
            ),
        ]
    if match := _NOT_DEFINED.search(msg):
        name = match["name"]
        return [
            Candidate(
                P.WRONG_VARIABLE,
                C.LOGIC_ERROR,
                0.7,
                f"`{name}` used at {site.where} (`{site.code}`) is not defined in that scope: a "
                "misspelt or out-of-scope variable, or a missing import.",
                evidence=ev,
                falsification=[f"`{name}` is declared and imported in {site.rel}"],
                testing=[f"Search {site.rel} for the declaration of `{name}`"],
                symptoms=["fails on the first run through this line"],
                locations=[site.location("undefined name")],
            )
        ]
    if _CALL_STACK in msg:
        return [
            Candidate(
                P.MISSING_BASE_CASE,
                C.LOGIC_ERROR,
                0.65,
                f"`{site.function}` recurses without reaching its base case (the call at "
                f"{site.where}: `{site.code}`).",
                evidence=ev,
                falsification=["the arguments of successive calls approach the base case"],
                testing=[f"Log the arguments of `{site.function}` on entry"],
                symptoms=["the same arguments repeat in the stack"],
                locations=[site.location("recursive call")],
                probes=[
                    probe(
                        ProbeKind.HIT_COUNT,
                        site.rel,
                        site.line,
                        "stop after 50 recursive calls",
                        hit_condition=">50",
                    )
                ],
            )
        ]
    return []
