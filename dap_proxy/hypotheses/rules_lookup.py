"""Offline rules for lookup errors: a KeyError or IndexError on the crash line, traced to the
missing key or the out-of-range index and where that key or length came from."""

from __future__ import annotations

import re

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import (
    index_adds,
    index_offset,
    loop_bound,
    subscript_parts,
    subscripts,
)
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    Site,
    code_evidence,
    probe,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C

_DATA_NAMES = re.compile(
    r"(record|row|payload|data|response|resp|body|item|event|msg|json|doc)", re.I
)
_PARSERS = ("json.load", "json.loads", ".json()", "csv.", "yaml.", "DictReader", "request")


def _reads_parsed_data(site: Site) -> bool:
    func = site.source.function_at(site.line)
    text = site.source.segment(func) if func else site.source.text
    return any(marker in text for marker in _PARSERS)


# --- KeyError --------------------------------------------------------------------------------------
def key_error(inp: RuleInput) -> list[Candidate]:
    site, key = inp.site, inp.message or "the key"
    if site is None:
        return []  # `message_only` covers a KeyError without a frame
    subs = subscripts(site.source, site.line)
    container = site.source.segment(subscript_parts(subs[0])[0]) if subs else None
    key_expr = site.source.segment(subscript_parts(subs[0])[1]) if subs else None
    lookup = f"`{container}[{key_expr}]`" if container else f"`{site.code}`"
    base_ev = [inp.traceback_evidence()]
    out: list[Candidate] = []

    if container in {"os.environ", "environ"} or "getenv" in site.code:
        out.append(
            Candidate(
                P.ENV_VAR,
                C.CONFIGURATION_DRIFT,
                0.85,
                f"Environment variable {key} is not set where {lookup} at {site.where} runs "
                "(set in one environment, missing in this one).",
                evidence=base_ev,
                falsification=[
                    f"`echo ${key.strip(chr(39))}` in the failing environment prints a value"
                ],
                testing=[
                    inp.reproduce_step(),
                    f"Compare the environment of a working run with this one for {key}",
                ],
                symptoms=[
                    f"every run in this environment fails at {site.where}; other environments pass"
                ],
                locations=[site.location("environment lookup")],
            )
        )
        return out

    keys = site.source.module_dict_keys(container) if container else None
    near = None
    if keys is not None:
        wanted = key.strip("'\"").lower().strip()
        near = next((k for k in keys if k.lower().strip() == wanted), None)
    probes = []
    if container and key_expr:
        probes = [
            probe(
                ProbeKind.CONDITIONAL,
                site.rel,
                site.line,
                f"stop only when the lookup at {site.where} will fail",
                condition=f"{key_expr} not in {container}",
                score=0.85,
            ),
            probe(
                ProbeKind.LOGPOINT,
                site.rel,
                site.line,
                f"log the key and what {container} holds",
                log_message=f"{key_expr}={{repr({key_expr})}} known keys={{list({container})[:10]}}",
                score=0.7,
            ),
        ]
    wrong = Candidate(
        P.WRONG_KEY,
        C.LOGIC_ERROR,
        0.55,
        f"{lookup} at {site.where} in `{site.function}` is looked up with key {key}, which "
        f"`{container or 'the mapping'}` does not hold: the key is built differently from the "
        "stored keys (case, format, type or a wrong variable).",
        evidence=list(base_ev),
        falsification=[
            f"{key} appears with exactly this spelling and type in the data that fills "
            f"`{container or 'the mapping'}`"
        ],
        testing=[
            inp.reproduce_step(),
            f"At {site.where}, print `{key_expr or 'the key'}` and the keys of `{container or 'the mapping'}`; "
            "compare spelling, case and type",
        ],
        symptoms=[
            f"the failing key {key} differs from a stored key only in form",
            "lookups of other items succeed",
        ],
        locations=[site.location("failing lookup")],
        probes=probes,
    )
    if near is not None:
        wrong.weight = 0.8
        wrong.statement += (
            f" `{container}` holds {near!r}, which differs from {key} only in case/spacing."
        )
        wrong.evidence.append(
            code_evidence(
                site.source, site.line, f"`{container}` has the key {near!r}, the lookup used {key}"
            )
        )
    out.append(wrong)

    if container and (_DATA_NAMES.search(container) or _reads_parsed_data(site)):
        out.append(
            Candidate(
                P.SCHEMA_MISMATCH,
                C.DATA_CORRUPTION,
                0.6 if near is None else 0.3,
                f"The records read in `{site.function}` no longer carry field {key}: at {site.where} "
                f"{lookup} assumes a schema the producer changed (field renamed or dropped).",
                evidence=list(base_ev),
                falsification=[f"every record in the failing input has the field {key}"],
                testing=[
                    inp.reproduce_step(),
                    f"Dump one failing record before {site.where} and compare its fields with the expected schema",
                ],
                symptoms=[f"all records of the new format fail on {key}; old ones pass"],
                locations=[site.location("schema assumption")],
                probes=probes[1:],
            )
        )
    caller = inp.caller
    data_origin = f" (from {caller.function} at {caller.where}: `{caller.code}`)" if caller else ""
    out.append(
        Candidate(
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.3 if near is None else 0.12,
            f"The key {key} is right but `{container or 'the mapping'}` is incomplete: the data "
            f"reaching {site.where}{data_origin} has an item that was never added to it.",
            evidence=list(base_ev),
            falsification=[
                f"`{container or 'the mapping'}` holds {key} under another spelling (then the key is wrong, not the data)"
            ],
            testing=[
                inp.reproduce_step(),
                f"Find where `{container or 'the mapping'}` is filled and check whether {key} should have been added",
            ],
            symptoms=[f"{key} is missing in every spelling from `{container or 'the mapping'}`"],
            locations=[site.location("failing lookup")],
            probes=probes[1:],
        )
    )
    return out


# --- IndexError ------------------------------------------------------------------------------------
def index_error(inp: RuleInput) -> list[Candidate]:
    site = inp.site
    if site is None:
        return []
    source = site.source
    subs = subscripts(source, site.line)
    if not subs and site.code.startswith("raise"):
        return []  # raised on purpose by a guard: `raised_by_guard` reads that
    loops = source.loops_at(site.line)
    out: list[Candidate] = []
    ev = [inp.traceback_evidence()]
    loop = loops[-1] if loops else None
    bound = loop_bound(loop)
    loop_var = bound.variable
    bound_seq = source.segment(bound.sequence) if bound.sequence is not None else None
    header = (
        source.line(loop.lineno).rstrip(":")
        if loop is not None and (bound.is_for or bound.is_while)
        else ""
    )

    # The subscript most likely at fault: one whose index uses the loop variable with an offset.
    target = None
    for sub in subs:
        names, arithmetic = index_offset(subscript_parts(sub)[1])
        if arithmetic and (loop_var is None or loop_var in names):
            target = sub
            break
        if loop_var in names and target is None:
            target = sub
    if target is None and subs:
        target = subs[0]
    seq = source.segment(subscript_parts(target)[0]) if target is not None else None
    idx = source.segment(subscript_parts(target)[1]) if target is not None else None
    access = f"`{seq}[{idx}]`" if seq else f"`{site.code}`"

    probes = []
    if seq and idx:
        probes.append(
            probe(
                ProbeKind.CONDITIONAL,
                site.rel,
                site.line,
                f"stop on the iteration where {access} is out of range",
                condition=f"not -len({seq}) <= ({idx}) < len({seq})",
                score=0.9,
            )
        )
        if loop is not None and loop_var:
            probes.append(
                probe(
                    ProbeKind.LOGPOINT,
                    site.rel,
                    loop.lineno,
                    f"log the loop variable against the length of {seq}",
                    log_message=f"{loop_var}={{{loop_var}}} len({seq})={{len({seq})}}",
                    score=0.7,
                )
            )

    if loop is not None:
        offset = ""
        if target is not None and index_adds(target):
            offset = f" when {loop_var} == len({bound_seq or seq}) - 1"
        statement = (
            f"{access} at {site.where} reads one past the end{offset}: the loop `{header}` "
            f"(line {loop.lineno}) runs to the last index but the body indexes "
            f"{'ahead of' if offset else 'beyond'} it (off-by-one in the loop bound)."
        )
        out.append(
            Candidate(
                P.OFF_BY_ONE,
                C.LOGIC_ERROR,
                0.75 if offset or bound_seq else 0.55,
                statement,
                evidence=ev
                + [
                    code_evidence(
                        source, loop.lineno, f"the index is driven by the loop `{header}`"
                    )
                ],
                falsification=[f"{access} fails on an iteration other than the last one"],
                testing=[
                    inp.reproduce_step(),
                    f"Break at {site.where} when the index leaves the range; check it is the final iteration",
                    f"Run `{site.function}` with 0, 1 and 2 elements",
                ],
                symptoms=[
                    "the failure happens on the last iteration",
                    "the results for the earlier items are correct",
                ],
                locations=[site.at(loop.lineno, "loop bound"), site.location("out-of-range index")],
                probes=probes,
            )
        )
        if bound_seq and seq and bound_seq != seq:
            out.append(
                Candidate(
                    P.WRONG_VARIABLE,
                    C.LOGIC_ERROR,
                    0.6,
                    f"The loop at line {loop.lineno} is bounded by len({bound_seq}) but {site.where} "
                    f"indexes `{seq}`: the wrong sequence is used for the bound or the index.",
                    evidence=list(ev),
                    falsification=[f"len({bound_seq}) == len({seq}) on the failing input"],
                    testing=[
                        inp.reproduce_step(),
                        f"Log len({bound_seq}) and len({seq}) at line {loop.lineno}",
                    ],
                    symptoms=[f"`{seq}` is shorter than `{bound_seq}` whenever it fails"],
                    locations=[site.at(loop.lineno, "loop bound"), site.location("index")],
                    probes=probes,
                )
            )
    else:
        out.append(
            Candidate(
                P.UNCHECKED_INPUT,
                C.LOGIC_ERROR,
                0.55,
                f"{access} at {site.where} assumes `{seq or 'the sequence'}` has that element, but it "
                "is empty or shorter here and nothing checks its length first.",
                evidence=list(ev),
                falsification=[f"`{seq}` has more than {idx} elements when the error is raised"],
                testing=[inp.reproduce_step(), f"Log len({seq}) just before {site.where}"],
                symptoms=[f"`{seq}` is empty (or short) exactly in the failing cases"],
                locations=[site.location("unchecked index")],
                probes=probes,
            )
        )
    origin = (
        f" by `{inp.caller.function}` ({inp.caller.where}: `{inp.caller.code}`)"
        if inp.caller
        else ""
    )
    out.append(
        Candidate(
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.2,
            f"`{seq or 'the sequence'}` passed{origin} is shorter than `{site.function}` assumes "
            "(empty or a single element): the input, not the loop, is unexpected.",
            evidence=list(ev),
            falsification=[f"the failure also happens with a long, well-formed `{seq}`"],
            testing=[
                inp.reproduce_step(),
                f"Call `{site.function}` with the failing input and with a longer one",
            ],
            symptoms=["only short or empty inputs fail"],
            locations=[site.location("index")],
            probes=probes[:1],
        )
    )
    return out
