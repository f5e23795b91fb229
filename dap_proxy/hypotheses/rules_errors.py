"""Offline rules keyed on the exception: KeyError, IndexError, AttributeError/TypeError on None,
ZeroDivisionError, RecursionError. Each reads the crash line's code and quotes the real names,
lines and values in its hypotheses."""

from __future__ import annotations

import ast
import re

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    Site,
    code_evidence,
    probe,
    short,
)
from dap_proxy.hypotheses.codeview import SourceView
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import CodeLocation
from dap_proxy.hypotheses.models import HypothesisCategory as C

_DATA_NAMES = re.compile(
    r"(record|row|payload|data|response|resp|body|item|event|msg|json|doc)", re.I
)
_PARSERS = ("json.load", "json.loads", ".json()", "csv.", "yaml.", "DictReader", "request")


def _subscripts(source: SourceView, line: int) -> list[ast.Subscript]:
    return [n for n in source.nodes_on_line(line) if isinstance(n, ast.Subscript)]


def _assigned_from(site: Site, name: str) -> tuple[ast.AST | None, str | None]:
    """(assignment node, called function name) for `name = f(...)` before the crash line."""
    node = site.source.assignment_of(name, site.line)
    if node is None:
        return None, None
    value = node.value
    if isinstance(value, ast.Call):
        func = value.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        return node, called
    return node, None


def _none_returns(inp: RuleInput, function: str) -> tuple[SourceView, list[int]] | None:
    for source in inp.sources:
        lines = source.none_returns(function)
        if lines:
            return source, lines
    return None


def _reads_parsed_data(site: Site) -> bool:
    func = site.source.function_at(site.line)
    text = site.source.segment(func) if func else site.source.text
    return any(marker in text for marker in _PARSERS)


# --- KeyError --------------------------------------------------------------------------------------
def key_error(inp: RuleInput) -> list[Candidate]:
    site, key = inp.site, inp.message or "the key"
    if site is None:
        return []  # `message_only` covers a KeyError without a frame
    subs = _subscripts(site.source, site.line)
    container = site.source.segment(subs[0].value) if subs else None
    key_expr = site.source.segment(subs[0].slice) if subs else None
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
    subs = _subscripts(source, site.line)
    if not subs and site.code.startswith("raise"):
        return []  # raised on purpose by a guard: `raised_by_guard` reads that
    loops = source.loops_at(site.line)
    out: list[Candidate] = []
    ev = [inp.traceback_evidence()]
    loop = loops[-1] if loops else None
    loop_var = None
    bound_seq = None
    header = ""
    if isinstance(loop, ast.For):
        header = source.line(loop.lineno).rstrip(":")
        loop_var = loop.target.id if isinstance(loop.target, ast.Name) else None
        it = loop.iter
        if isinstance(it, ast.Call) and getattr(it.func, "id", "") == "range" and it.args:
            end = it.args[-1] if len(it.args) > 1 else it.args[0]
            if isinstance(end, ast.Call) and getattr(end.func, "id", "") == "len" and end.args:
                bound_seq = source.segment(end.args[0])
            elif isinstance(end, ast.BinOp) and isinstance(end.op, ast.Add):
                inner = end.left
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", "") == "len":
                    bound_seq = source.segment(inner.args[0])
    elif isinstance(loop, ast.While):
        header = source.line(loop.lineno).rstrip(":")

    # The subscript most likely at fault: one whose index uses the loop variable with an offset.
    target = None
    for sub in subs:
        index = sub.slice
        names = {n.id for n in ast.walk(index) if isinstance(n, ast.Name)}
        if isinstance(index, ast.BinOp) and (loop_var is None or loop_var in names):
            target = sub
            break
        if loop_var in names and target is None:
            target = sub
    if target is None and subs:
        target = subs[0]
    seq = source.segment(target.value) if target is not None else None
    idx = source.segment(target.slice) if target is not None else None
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
        if (
            target is not None
            and isinstance(target.slice, ast.BinOp)
            and isinstance(target.slice.op, ast.Add)
        ):
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


# --- None and type errors --------------------------------------------------------------------------
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
    if isinstance(assign, ast.stmt):
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
    func = site.source.function_at(site.line)
    if func is None:
        return []
    return [a.arg for a in func.args.args if a.arg not in {"self", "cls"}]


def attribute_error(inp: RuleInput) -> list[Candidate]:
    site = inp.site
    match = _NO_ATTR.search(inp.message)
    if site is None or match is None:
        return []
    attr, kind = match["attr"], match["type"]
    receiver = None
    for node in site.source.nodes_on_line(site.line):
        if isinstance(node, ast.Attribute) and node.attr == attr:
            receiver = site.source.segment(node.value)
            break
    receiver = receiver or "the object"
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
        binop = next(
            (n for n in site.source.nodes_on_line(site.line) if isinstance(n, ast.BinOp)), None
        )
        if "NoneType" in (a, b):
            side = None
            if binop is not None:
                side = binop.right if b == "NoneType" else binop.left
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
        nodes = site.source.nodes_on_line(site.line)
        used: str | None = None
        for node in nodes:
            if match["what"] == "subscriptable" and isinstance(node, ast.Subscript):
                used = site.source.segment(node.value)
            elif match["what"] == "callable" and isinstance(node, ast.Call):
                used = site.source.segment(node.func)
            elif match["what"] == "iterable" and isinstance(node, ast.For | ast.comprehension):
                used = site.source.segment(node.iter)
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


# --- ZeroDivisionError -----------------------------------------------------------------------------
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


# --- RecursionError --------------------------------------------------------------------------------
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
    base = None
    call = None
    lookups: list[str] = []
    if func is not None:
        for node in ast.walk(func):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == name
            ):
                call = call or node
            if isinstance(node, ast.If) and base is None:
                body_calls = [
                    c
                    for c in ast.walk(node)
                    if isinstance(c, ast.Call) and getattr(c.func, "id", "") == name
                ]
                if any(isinstance(s, ast.Return) for s in node.body) and not body_calls:
                    base = node
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and source.module_dict_keys(node.value.id) is not None
            ):
                lookups.append(node.value.id)
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
    arg = call.args[0] if call is not None and call.args else None
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


# --- no frame in the workspace: the message alone -----------------------------------------------
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
    if func is not None:
        for node in ast.walk(func):
            if isinstance(node, ast.If) and any(
                isinstance(s, ast.Raise) and s.lineno == site.line for s in node.body
            ):
                guard, guard_line = site.source.segment(node.test), node.lineno
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
