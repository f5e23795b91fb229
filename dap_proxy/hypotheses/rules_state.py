"""Offline rules keyed on the code and the text rather than on one exception type: hangs, stale
caches, shared mutable state, thread races, encoding and schema errors, integration, resource and
configuration failures."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
    quoted_values,
    short,
    text_evidence,
)
from dap_proxy.hypotheses.context import hang_phrase, intermittent_phrase
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import CodeLocation
from dap_proxy.hypotheses.models import HypothesisCategory as C

_EXTERNAL_KINDS = ("network", "database", "subprocess")
_BLOCKING = ("socket", "ssl", "select", "recv", "subprocess", "acquire", "wait", "urllib", "http")
_NETWORK = re.compile(r"\b(requests\.|urlopen|socket\.|httpx\.|\.recv\(|\.connect\(|aiohttp|grpc)")


def _loc(file: str, line: int, role: str, code: str = "") -> CodeLocation:
    return CodeLocation(file=file, line=line, role=role, code=code or None)


# --- hangs -----------------------------------------------------------------------------------------
def hang(inp: RuleInput) -> list[Candidate]:
    if not inp.context.hang:
        return []
    phrase = hang_phrase(inp.context.issue_text) or inp.exc_type
    ev = [text_evidence(f'reported as a hang: "{phrase}"')]
    if inp.exc_type:
        ev.append(inp.traceback_evidence())
    site = inp.site
    out: list[Candidate] = []
    threads = any(s.thread_lines() for s in inp.sources)
    external = [
        f
        for f in (inp.boundaries(site.source, site.function) if site else [])
        if any(word in f.reason for word in _EXTERNAL_KINDS)
    ]
    network = bool(external) or (site is not None and bool(_NETWORK.search(site.source.text)))
    if site is not None:
        source = site.source
        loops = source.loops_at(site.line)
        while_loop = next((lp for lp in reversed(loops) if isinstance(lp, ast.While)), None)
        if while_loop is not None:
            cond = source.segment(while_loop.test)
            names = {n.id for n in ast.walk(while_loop.test) if isinstance(n, ast.Name)}
            stuck = []
            for node in ast.walk(while_loop):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name) and target.id in names:
                        value = node.value
                        # `lo = mid` can leave lo unchanged; `lo = mid + 1` always moves it.
                        if isinstance(value, ast.Name):
                            stuck.append(node)
            statement = (
                f"The loop `while {cond}` in `{site.function}` ({source.rel}:{while_loop.lineno}) "
                "never ends"
            )
            if stuck:
                first = stuck[0]
                tgt = first.targets[0].id  # type: ignore[attr-defined]
                val = source.segment(first.value)
                statement += (
                    f": `{source.segment(first)}` (line {first.lineno}) leaves `{tgt}` unchanged "
                    f"when `{val}` == `{tgt}`, so `{cond}` stays true"
                )
            else:
                statement += f": nothing in its body is guaranteed to make `{cond}` false"
            statement += "."
            watched = sorted(names)
            log = " ".join(f"{n}={{{n}}}" for n in watched[:4])
            out.append(
                Candidate(
                    P.NON_TERMINATING_LOOP,
                    C.LOGIC_ERROR,
                    0.75 if stuck else 0.55,
                    statement,
                    evidence=ev
                    + [code_evidence(source, site.line, f"interrupted inside `while {cond}`")],
                    falsification=[
                        f"the values of {', '.join(watched)} keep changing on every iteration"
                    ],
                    testing=[
                        inp.reproduce_step() + " and interrupt it (Ctrl-C) once it stops printing",
                        f"Log {', '.join(watched)} at line {while_loop.lineno} for a few iterations",
                    ],
                    symptoms=["100% CPU with no progress", "the logged loop variables repeat"],
                    locations=[
                        _loc(
                            source.rel,
                            while_loop.lineno,
                            "loop condition",
                            source.line(while_loop.lineno),
                        )
                    ]
                    + [
                        _loc(
                            source.rel,
                            s.lineno,
                            "update that may not progress",
                            source.line(s.lineno),
                        )
                        for s in stuck[:2]
                    ],
                    probes=[
                        probe(
                            ProbeKind.LOGPOINT,
                            source.rel,
                            while_loop.body[0].lineno,
                            "log the loop variables each iteration",
                            log_message=log,
                            score=0.85,
                        ),
                        probe(
                            ProbeKind.HIT_COUNT,
                            source.rel,
                            while_loop.body[0].lineno,
                            "stop after 1000 iterations",
                            hit_condition=">1000",
                            score=0.7,
                        ),
                    ],
                )
            )
        elif loops:
            header = source.line(loops[-1].lineno)
            out.append(
                Candidate(
                    P.NON_TERMINATING_LOOP,
                    C.LOGIC_ERROR,
                    0.5,
                    f"The loop `{header}` in `{site.function}` ({source.rel}:{loops[-1].lineno}) does "
                    "not terminate (its collection keeps growing or its exit is never met).",
                    evidence=list(ev),
                    falsification=["the loop makes progress toward its end on every iteration"],
                    testing=[
                        inp.reproduce_step(),
                        f"Log the loop state at line {loops[-1].lineno}",
                    ],
                    symptoms=["the same iteration repeats"],
                    locations=[_loc(source.rel, loops[-1].lineno, "loop", header)],
                )
            )
    # Interrupted inside blocking library I/O (socket, ssl, select, subprocess, a lock): waiting,
    # not spinning.
    frames = inp.context.frames
    inner_lib = frames[frames.index(site.frame) + 1 :] if site and site.frame in frames else []
    blocked = next(
        (f for f in reversed(inner_lib) if any(w in f"{f.file} {f.function}" for w in _BLOCKING)),
        None,
    )
    if not out:
        out.append(
            Candidate(
                P.NON_TERMINATING_LOOP,
                C.LOGIC_ERROR,
                0.15 if blocked else 0.4,
                f'The process "{phrase}" because a loop never meets its exit condition; interrupt it '
                "(Ctrl-C or `py-spy dump`) to see where it spins.",
                evidence=list(ev),
                falsification=["CPU is idle while it hangs (then it is waiting, not looping)"],
                testing=["Reproduce, then interrupt with Ctrl-C to get a traceback of the hang"],
                symptoms=["100% CPU", "no output after a point"],
                locations=[site.location("interrupted here")] if site else [],
            )
        )
    where = site.where if site else "the hanging step"
    if external and site is not None:
        fact = external[0]
        call = f"`{fact.text}` ({site.rel}:{fact.start_line}, {fact.reason})"
    else:
        call = "an external call (network, database, subprocess)"
    inside = (
        f", and the interrupt landed inside `{blocked.function}` ({Path(blocked.file).name})"
        if blocked
        else ""
    )
    weight = (
        0.7 if blocked and external else 0.5 if blocked or external else 0.35 if network else 0.15
    )
    out.append(
        Candidate(
            P.TIMEOUT,
            C.INTEGRATION_FAILURE,
            weight,
            f"{where} waits on {call} that never answers and has no timeout{inside}.",
            evidence=list(ev)
            + (
                [code_evidence(site.source, external[0].start_line, external[0].reason)]
                if external and site
                else []
            ),
            falsification=["CPU is busy during the hang, or no external call is in progress"],
            testing=[
                "Check CPU use while it hangs; dump the stack (py-spy) to see if it sits in I/O",
                "Give the call a timeout and check that the hang becomes a timeout error",
            ],
            symptoms=["0% CPU while hung", "it resumes or fails when the remote side is restarted"],
            locations=[site.location("blocked here")] if site else [],
            probes=[
                probe(
                    ProbeKind.LOGPOINT,
                    site.rel,
                    site.line,
                    "log just before the blocking call",
                    log_message=f"calling {external[0].names[0] if external and external[0].names else 'the external call'}",
                    score=0.6,
                )
            ]
            if site
            else [],
        )
    )
    waiting_on_lock = blocked is not None and any(
        w in f"{blocked.function}" for w in ("acquire", "wait", "join")
    )
    deadlock_weight = 0.5 if waiting_on_lock else 0.1 if blocked else 0.3
    if threads:
        thread_line = next(s for s in inp.sources if s.thread_lines())
        out.append(
            Candidate(
                P.DEADLOCK,
                C.RACE_CONDITION,
                deadlock_weight,
                f"Threads started at {thread_line.rel}:{thread_line.thread_lines()[0]} wait on each "
                "other (a deadlock: two locks taken in opposite orders, or a join on a thread that "
                "waits for the caller).",
                evidence=list(ev),
                falsification=["the stack dump shows only one thread alive"],
                testing=["Dump all threads' stacks while it hangs (py-spy dump / faulthandler)"],
                symptoms=["0% CPU", "threads blocked in acquire()/join()"],
                locations=[_loc(thread_line.rel, thread_line.thread_lines()[0], "thread start")],
            )
        )
    return out


# --- state: caches, shared mutable defaults / class attributes, races ------------------------------
def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _message_values(inp: RuleInput) -> str:
    """The failure's own words, so the hypothesis quotes what was observed."""
    if inp.message:
        return f' (the failure says "{short(inp.message, 80)}")'
    values = quoted_values(inp.context.failure.assertion or "")
    return f" (the failure reports {', '.join(values[:3])})" if values else ""


def stale_cache(inp: RuleInput) -> list[Candidate]:
    out = []
    text_says = bool(
        re.search(
            r"\b(stale|cache|old value|outdated|after (?:an )?update)\b",
            inp.context.issue_text,
            re.I,
        )
    )
    for source in inp.sources:
        containers = {c.name: c for c in source.containers()}
        for cache in source.caches():
            if cache.invalidations:
                continue
            # A function that writes other shared data but never touches the cache.
            writers = []
            for other in containers.values():
                if other.name == cache.name:
                    continue
                for line in other.writes:
                    func = source.function_at(line)
                    if func is None:
                        continue
                    if not any(
                        func.lineno <= w <= (func.end_lineno or func.lineno) for w in cache.writes
                    ):
                        writers.append((func.name, other.name, line))
            read_funcs = sorted({f.name for w in cache.writes if (f := source.function_at(w))})
            reader = read_funcs[0] if read_funcs else "the reader"
            statement = f"`{reader}` serves entries from `{cache.name}` ({source.rel}:{cache.line}) that are never invalidated"
            locations = [_loc(source.rel, cache.line, "cache", source.line(cache.line))]
            if writers:
                fn, data, line = writers[0]
                statement += (
                    f": `{fn}` updates `{data}` at {source.rel}:{line} but leaves the old entry in "
                    f"`{cache.name}`, so later reads return the stale value"
                )
                locations.append(
                    _loc(source.rel, line, "update without invalidation", source.line(line))
                )
            statement += _message_values(inp) + "."
            weight = 0.45 + (0.2 if writers else 0) + (0.1 if text_says else 0)
            write_line = cache.writes[0] if cache.writes else cache.line
            out.append(
                Candidate(
                    P.STALE_CACHE,
                    C.STATE_MANAGEMENT,
                    weight,
                    statement,
                    evidence=[
                        inp.traceback_evidence(),
                        code_evidence(
                            source,
                            cache.line,
                            f"`{cache.name}` is written at line(s) {', '.join(map(str, cache.writes))} and never cleared, popped or deleted",
                        ),
                    ],
                    falsification=[
                        f"clearing `{cache.name}` before the failing read does not change the result"
                    ],
                    testing=[
                        inp.reproduce_step(),
                        f"Rerun with `{cache.name}.clear()` after the update; the failure should disappear",
                    ],
                    symptoms=[
                        "the first read after an update returns the previous value",
                        "a restart fixes it",
                    ],
                    locations=locations,
                    probes=[
                        probe(
                            ProbeKind.LOGPOINT,
                            source.rel,
                            write_line,
                            f"log what goes into `{cache.name}`",
                            log_message=f"{cache.name} <- {{{source.segment(_value_at(source, write_line)) or cache.name}}}",
                            score=0.75,
                        )
                    ]
                    + (
                        [
                            probe(
                                ProbeKind.BREAKPOINT,
                                source.rel,
                                writers[0][2],
                                f"see `{cache.name}` still holding the old entry after the update",
                                score=0.7,
                            )
                        ]
                        if writers
                        else []
                    ),
                )
            )
    return out


def memoised_reads(inp: RuleInput) -> list[Candidate]:
    """An @lru_cache function reading module data that another function changes, with no
    cache_clear() anywhere: the memo serves the old answer."""
    out = []
    for source in inp.sources:
        if source.calls_method("cache_clear"):
            continue
        containers = {c.name: c for c in source.containers()}
        for func, line, reads in source.memoised_functions():
            for data in reads:
                writers = [
                    (w, f.name)
                    for w in containers[data].writes
                    if (f := source.function_at(w)) is not None and f.name != func
                ]
                if not writers:
                    continue
                write_line, writer = writers[0]
                out.append(
                    Candidate(
                        P.STALE_CACHE,
                        C.STATE_MANAGEMENT,
                        0.75,
                        f"`{func}` ({source.rel}:{line}) is memoised with lru_cache but reads "
                        f"`{data}`, which `{writer}` changes at {source.rel}:{write_line}; nothing "
                        f"calls `{func}.cache_clear()`, so it keeps returning the answer cached "
                        f"before the change{_message_values(inp)}.",
                        evidence=[
                            inp.traceback_evidence(),
                            code_evidence(source, line, f"`{func}` is memoised and reads `{data}`"),
                            code_evidence(source, write_line, f"`{writer}` writes `{data}`"),
                        ],
                        falsification=[
                            f"calling `{func}.cache_clear()` after `{writer}` does not change the result"
                        ],
                        testing=[
                            inp.reproduce_step(),
                            f"Add `{func}.cache_clear()` after `{writer}` and rerun",
                        ],
                        symptoms=["the first answer sticks until the process restarts"],
                        locations=[
                            _loc(source.rel, line, "memoised function", source.line(line)),
                            _loc(
                                source.rel,
                                write_line,
                                "write the cache does not see",
                                source.line(write_line),
                            ),
                        ],
                        probes=[
                            probe(
                                ProbeKind.LOGPOINT,
                                source.rel,
                                write_line,
                                f"log the memo's stats when `{data}` changes",
                                log_message=f"{data} changed; {func} cache={{{func}.cache_info()}}",
                                score=0.8,
                            ),
                            probe(
                                ProbeKind.BREAKPOINT,
                                source.rel,
                                _body_line(source, line),
                                "never hit after the change if the memo answers",
                                score=0.6,
                            ),
                        ],
                    )
                )
    return out


def _value_at(source, line: int):  # noqa: ANN001 - SourceView, avoided to keep imports light
    for node in source.nodes_on_line(line):
        if isinstance(node, ast.Assign):
            return node.value
    return ast.Constant(value=None)


def shared_mutable(inp: RuleInput) -> list[Candidate]:
    out = []
    values = _message_values(inp)
    for source in inp.sources:
        for func, param, line, default in source.mutable_defaults():
            out.append(
                Candidate(
                    P.SHARED_MUTABLE_STATE,
                    C.STATE_MANAGEMENT,
                    0.7,
                    f"The default `{param}={default}` of `{source.qualname(line, func)}` ({source.rel}:{line}) is created "
                    f"once and shared: every call that omits `{param}` keeps mutating the same "
                    f"object, so one caller's data leaks into the next{values}.",
                    evidence=[
                        inp.traceback_evidence(),
                        code_evidence(source, line, f"mutable default {param}={default}"),
                    ],
                    falsification=[
                        f"`{param}` is a fresh object on each call (its id() differs between calls)"
                    ],
                    testing=[
                        inp.reproduce_step(),
                        f"Log id({param}) at the start of `{func}` for two calls",
                    ],
                    symptoms=[
                        "the first call is right, later ones contain earlier data",
                        "results depend on call order",
                    ],
                    locations=[_loc(source.rel, line, "mutable default", source.line(line))],
                    probes=[
                        probe(
                            ProbeKind.LOGPOINT,
                            source.rel,
                            _body_line(source, line),
                            f"log the identity and content of `{param}` on each call",
                            log_message=f"{param} id={{id({param})}} value={{{param}}}",
                            score=0.85,
                        )
                    ],
                )
            )
        for container in source.containers():
            if container.owner == "module" or not container.writes:
                continue
            out.append(
                Candidate(
                    P.SHARED_MUTABLE_STATE,
                    C.STATE_MANAGEMENT,
                    0.6,
                    f"`{container.owner}.{container.name}` ({source.rel}:{container.line}) is a class "
                    f"attribute shared by every instance; the write at line {container.writes[0]} "
                    f"changes it for all of them{values}.",
                    evidence=[
                        inp.traceback_evidence(),
                        code_evidence(source, container.line, "class-level mutable attribute"),
                    ],
                    falsification=["each instance has its own object (assigned in __init__)"],
                    testing=[
                        inp.reproduce_step(),
                        f"Log id(self.{container.name}) for two instances",
                    ],
                    symptoms=["a new instance already contains data"],
                    locations=[
                        _loc(
                            source.rel,
                            container.line,
                            "class attribute",
                            source.line(container.line),
                        )
                    ],
                )
            )
    return out


def _body_line(source, def_line: int) -> int:  # noqa: ANN001
    func = source.function_at(def_line)
    return func.body[0].lineno if func is not None and func.body else def_line


def race(inp: RuleInput) -> list[Candidate]:
    out = []
    phrase = intermittent_phrase(inp.context.issue_text)
    for source in inp.sources:
        threads = source.thread_lines()
        if not threads:
            continue
        for rmw in source.read_modify_writes():
            if rmw.locked:
                continue
            statement = (
                f"`{source.qualname(rmw.read_line, rmw.function)}` reads `self.{rmw.attribute}` (line {rmw.read_line}) and writes it "
                f"back (line {rmw.write_line}) without a lock while threads started at "
                f"{source.rel}:{threads[0]} run it concurrently: updates are lost{_message_values(inp)}."
            )
            ev = [
                inp.traceback_evidence(),
                code_evidence(source, rmw.write_line, "unlocked read-modify-write of shared state"),
            ]
            if phrase:
                ev.append(text_evidence(f'the failure is intermittent: "{phrase}"'))
            out.append(
                Candidate(
                    P.RACE,
                    C.RACE_CONDITION,
                    0.7 + (0.15 if phrase else 0),
                    statement,
                    evidence=ev,
                    falsification=[
                        "with a lock around the read and the write (or a single thread) the failure never happens in 50 runs"
                    ],
                    testing=[
                        inp.reproduce_step() + " 20 times; count the failures",
                        f"Wrap lines {rmw.read_line}-{rmw.write_line} in a threading.Lock and repeat",
                    ],
                    symptoms=[
                        "the total is short by a varying amount",
                        "fails more often with more threads",
                    ],
                    locations=[
                        _loc(
                            source.rel,
                            rmw.read_line,
                            "read of shared state",
                            source.line(rmw.read_line),
                        ),
                        _loc(
                            source.rel,
                            rmw.write_line,
                            "write of shared state",
                            source.line(rmw.write_line),
                        ),
                    ],
                    probes=[
                        probe(
                            ProbeKind.LOGPOINT,
                            source.rel,
                            rmw.write_line,
                            "log the value each thread writes (duplicates show lost updates)",
                            log_message=f"thread={{threading.get_ident()}} writes {rmw.attribute} from {{self.{rmw.attribute}}}",
                            score=0.8,
                        )
                    ],
                )
            )
    threaded = [s for s in inp.sources if s.thread_lines()]
    if not out and threaded and (phrase or inp.exc_type == "AssertionError"):
        source = threaded[0]
        why = (
            f'the failure is "{phrase}" because it depends on scheduling'
            if phrase
            else f"a wrong count or value{_message_values(inp)} is what lost updates look like"
        )
        out.append(
            Candidate(
                P.RACE,
                C.RACE_CONDITION,
                0.5 if phrase else 0.35,
                f"Threads started at {source.rel}:{source.thread_lines()[0]} share data without "
                f"enough synchronisation; {why}.",
                evidence=[inp.traceback_evidence()]
                + ([text_evidence(f'intermittent: "{phrase}"')] if phrase else []),
                falsification=["the failure also happens with a single worker thread"],
                testing=[
                    "Repeat the run 20 times with 1 thread and with many; compare failure rates"
                ],
                symptoms=["failure rate grows with the number of threads"],
                locations=[_loc(source.rel, source.thread_lines()[0], "thread start")],
            )
        )
    return out


# --- data: encoding, schema ------------------------------------------------------------------------
_DECODE = re.compile(
    r"'(?P<codec>[\w-]+)' codec can't (?P<op>decode|encode) (?:byte|character) (?P<byte>\S+) in position (?P<pos>\d+)"
)


def encoding(inp: RuleInput) -> list[Candidate]:
    match = _DECODE.search(inp.message)
    if not (inp.exc_type.startswith("Unicode") and match):
        return []
    site = inp.site
    codec, byte, pos = match["codec"], match["byte"], match["pos"]
    where = f"{site.where} (`{site.code}`)" if site else "the read"
    guess = ""
    if match["op"] == "decode" and byte.startswith("0x"):
        try:
            char = bytes([int(byte, 16)]).decode("cp1252")
            guess = f"; in Windows-1252 that byte is {char!r}, so the data was most likely written as Windows-1252/Latin-1"
        except (ValueError, UnicodeDecodeError):
            guess = ""
    explicit = site is not None and "encoding" in site.code
    loc = [site.location("decode")] if site else []
    out = [
        Candidate(
            P.ENCODING,
            C.DATA_CORRUPTION,
            0.75,
            f"The data read at {where} is not {codec}: byte {byte} at position {pos} is invalid "
            f"{codec}{guess}.",
            evidence=[inp.traceback_evidence()],
            falsification=[
                f"the file decodes cleanly as {codec} with another tool (e.g. `iconv -f {codec}`)"
            ],
            testing=[
                inp.reproduce_step(),
                "Run `file -i` on the input; retry the read with encoding='cp1252'",
            ],
            symptoms=[
                "only files with accented / non-ASCII characters fail",
                "ASCII-only inputs pass",
            ],
            locations=loc,
            probes=[
                probe(
                    ProbeKind.BREAKPOINT,
                    site.rel,
                    site.line,
                    "inspect the path being read",
                    score=0.6,
                )
            ]
            if site
            else [],
        ),
        Candidate(
            P.ENV_VAR if not explicit else P.WRONG_CONFIG,
            C.CONFIGURATION_DRIFT,
            0.25 if not explicit else 0.12,
            (
                f"The read at {where} relies on the platform default encoding, which differs between "
                "environments (locale / PYTHONUTF8)."
                if not explicit
                else f"The path read at {where} points at a different file than intended (another "
                "export, a binary file) in this environment."
            ),
            evidence=[inp.traceback_evidence()],
            falsification=["the same input file fails the same way on every machine"],
            testing=[
                "Compare `locale` and the input path between a working and the failing environment"
            ],
            symptoms=["works on one machine, fails on another with the same file"],
            locations=loc,
        ),
        Candidate(
            P.CONSTRAINT_VIOLATION,
            C.DATA_CORRUPTION,
            0.1,
            f"The input is truncated or corrupted around position {pos}.",
            evidence=[inp.traceback_evidence()],
            falsification=[
                f"the bytes around position {pos} form a valid character in some encoding"
            ],
            testing=[f"Hex-dump the input around offset {pos}"],
            symptoms=["the file size or checksum differs from the source"],
            locations=loc,
        ),
    ]
    return out


_INVALID_LITERAL = re.compile(
    r"invalid literal for (?P<fn>\w+)\(\)(?: with base \d+)?: (?P<value>.+)$|could not convert string to (?P<fn2>\w+): (?P<value2>.+)$"
)


def schema_value(inp: RuleInput) -> list[Candidate]:
    site = inp.site
    match = _INVALID_LITERAL.search(inp.message)
    if site is None or not (inp.exc_type == "ValueError" and match):
        return []
    value = match["value"] or match["value2"]
    conv = match["fn"] or match["fn2"]
    field = None
    for node in site.source.nodes_on_line(site.line):
        # The argument of the failing conversion: `int(record["qty"])` -> record["qty"].
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == conv and node.args:
            field = site.source.segment(node.args[0])
            break
    field = field or "the field"
    parsed = any(m in site.source.text for m in ("json.", "csv.", "yaml.", "requests."))
    ev = [inp.traceback_evidence()]
    probes = [
        probe(
            ProbeKind.CONDITIONAL,
            site.rel,
            site.line,
            f"stop on the record whose {field} is not a {conv}",
            condition=f"not str({field}).strip().lstrip('-').isdigit()" if conv == "int" else None,
            score=0.8,
        )
        if conv == "int" and field != "the field"
        else probe(
            ProbeKind.BREAKPOINT, site.rel, site.line, "inspect the failing record", score=0.6
        ),
        probe(
            ProbeKind.LOGPOINT,
            site.rel,
            site.line,
            f"log each value of {field}",
            log_message=f"{field}={{repr({field})}}" if field != "the field" else "record",
            score=0.65,
        ),
    ]
    return [
        Candidate(
            P.SCHEMA_MISMATCH,
            C.DATA_CORRUPTION,
            0.6 if parsed else 0.45,
            f"`{field}` in the records parsed at {site.where} holds {value}, not {_article(conv)}: the "
            "input's format changed (or one record is malformed) and "
            f"`{site.code}` was written for the old schema.",
            evidence=ev,
            falsification=[f"every record's {field} in the failing input is a plain {conv}"],
            testing=[inp.reproduce_step(), f"List the distinct shapes of {field} in the input"],
            symptoms=["records from the new source/version fail, older ones parse"],
            locations=[site.location("conversion")],
            probes=probes,
        ),
        Candidate(
            P.UNCHECKED_INPUT,
            C.LOGIC_ERROR,
            0.3,
            f"`{site.function}` converts {field} with {conv}() at {site.where} without validating "
            f"it; values like {value} should be handled or rejected with a clear error.",
            evidence=list(ev),
            falsification=["the input contract guarantees a plain number for this field"],
            testing=[f"Call `{site.function}` with a record holding {value}"],
            symptoms=["one bad record stops the whole batch"],
            locations=[site.location("conversion")],
            probes=probes[1:],
        ),
        Candidate(
            P.API_CHANGE,
            C.INTEGRATION_FAILURE,
            0.25 if parsed else 0.1,
            f"The producer of this data (API / export) changed its format for {field} (now "
            f"{value}) without a version bump.",
            evidence=list(ev),
            falsification=["the producer's output format has not changed since it last worked"],
            testing=["Compare a recent payload with an old one (or the producer's changelog)"],
            symptoms=["all records after a date carry the new format"],
            locations=[site.location("consumer")],
        ),
    ]


# --- integration / resources / configuration -------------------------------------------------------
_HTTP = re.compile(r"\b(4\d\d|5\d\d)\b")


def integration(inp: RuleInput) -> list[Candidate]:
    kind, msg = inp.exc_type, inp.message
    text = f"{kind}: {msg}"
    site = inp.site
    loc = [site.location("call site")] if site else []
    ev = [inp.traceback_evidence()]
    out: list[Candidate] = []

    def add(pattern, category, weight, statement, falsify, test, symptom):  # noqa: ANN001
        out.append(
            Candidate(
                pattern,
                category,
                weight,
                statement,
                evidence=list(ev),
                falsification=[falsify],
                testing=[test],
                symptoms=[symptom],
                locations=list(loc),
            )
        )

    where = site.where if site else "the call"
    status = (
        _HTTP.search(msg)
        if ("HTTP" in text or "status" in text.lower() or "Client" in text)
        else None
    )
    if kind in {"ModuleNotFoundError", "ImportError"}:
        add(
            P.DEPENDENCY_VERSION,
            C.CONFIGURATION_DRIFT,
            0.75,
            f"The environment lacks (or has another version of) what {where} imports: {msg}.",
            "`pip show` lists the same package versions here as where it works",
            "Compare `pip freeze` between the working and failing environments",
            "fails at import time in one environment only",
        )
    elif kind == "FileNotFoundError":
        add(
            P.WRONG_CONFIG,
            C.CONFIGURATION_DRIFT,
            0.5,
            f"The path opened at {where} ({msg}) is configured for another environment (working directory, env var or config file).",
            "the path exists in the failing environment",
            "Print os.getcwd() and the configured path in the failing environment",
            "it works when run from another directory or machine",
        )
        add(
            P.MISSING_DATA,
            C.DATA_CORRUPTION,
            0.3,
            f"The file expected at {where} was never produced (an earlier step did not run or wrote elsewhere).",
            "the producing step ran and wrote exactly this path",
            "Check the step that should create the file",
            "the directory exists but the file is missing",
        )
    elif (
        status
        and status.group(1) in {"401", "403"}
        or re.search(r"unauthori[sz]ed|forbidden|auth", text, re.I)
    ):
        add(
            P.AUTH,
            C.INTEGRATION_FAILURE,
            0.7,
            f"The request at {where} is rejected for its credentials (expired / missing token or wrong scope): {msg}.",
            "the same request with fresh credentials fails the same way",
            "Replay the request with a freshly issued token",
            "every call to this service fails since a certain time",
        )
    elif (
        status
        and status.group(1) == "429"
        or re.search(r"rate.?limit|too many requests", text, re.I)
    ):
        add(
            P.RATE_LIMIT,
            C.RESOURCE_EXHAUSTION,
            0.7,
            f"The service behind {where} is rate-limiting us: {msg}.",
            "the failure happens at low request rates too",
            "Count requests per minute around the failures",
            "failures cluster at traffic peaks",
        )
    elif (
        kind in {"TimeoutError", "ReadTimeout", "ConnectTimeout", "TimeoutExpired"}
        or "timed out" in msg
    ):
        add(
            P.TIMEOUT,
            C.INTEGRATION_FAILURE,
            0.7,
            f"The external call at {where} does not answer within its timeout: {msg}.",
            "the remote side answers quickly when called directly",
            "Time the same call with curl / a small script",
            "latency spikes on the remote side match the failures",
        )
    elif (
        kind
        in {
            "ConnectionError",
            "ConnectionRefusedError",
            "ConnectionResetError",
            "RemoteDisconnected",
        }
        or "Connection" in kind
    ):
        add(
            P.TIMEOUT,
            C.INTEGRATION_FAILURE,
            0.55,
            f"The service called at {where} is unreachable or drops the connection: {msg}.",
            "the service is up and reachable from this host",
            "Check the service's health endpoint from the failing host",
            "all calls to the same host fail together",
        )
        add(
            P.WRONG_CONFIG,
            C.CONFIGURATION_DRIFT,
            0.3,
            f"{where} connects to the wrong host/port for this environment (configuration drift).",
            "the configured address is the intended one",
            "Print the configured URL/host in the failing environment",
            "it works with the address used elsewhere",
        )
    elif status and status.group(1) in {"404", "410", "400", "422"}:
        add(
            P.API_CHANGE,
            C.INTEGRATION_FAILURE,
            0.65,
            f"The API called at {where} changed (endpoint or payload no longer accepted): {msg}.",
            "the API documentation for the current version accepts this request",
            "Compare the request with the API's current spec",
            "it started without a change on our side",
        )
    elif kind == "MemoryError" or "Cannot allocate memory" in msg:
        caches = [c for s in inp.sources for c in s.caches() if not c.invalidations]
        if caches:
            add(
                P.UNBOUNDED_CACHE,
                C.RESOURCE_EXHAUSTION,
                0.65,
                f"`{caches[0].name}` grows without bound (nothing ever evicts from it) until memory runs out.",
                "memory stays flat over time with the cache disabled",
                "Track len() of the cache over time",
                "memory grows steadily with traffic",
            )
        add(
            P.MEMORY_LEAK,
            C.RESOURCE_EXHAUSTION,
            0.5,
            f"Memory leaks on the path through {where} until the process runs out.",
            "memory is flat across many requests",
            "Measure RSS / tracemalloc snapshots over repeated runs",
            "memory grows steadily, a restart fixes it",
        )
    elif re.search(
        r"too many open files|pool.*(exhausted|timeout|limit)|QueuePool limit|Errno 24", text, re.I
    ):
        add(
            P.POOL_EXHAUSTION,
            C.RESOURCE_EXHAUSTION,
            0.7,
            f"Connections/files opened around {where} are not released, so the pool runs dry: {msg}.",
            "the number of open handles stays flat over time",
            "Count open fds / pool checkouts over time (lsof)",
            "fails after running a while, a restart fixes it",
        )
    elif re.search(r"json|decode", kind, re.I) and kind != "UnicodeDecodeError":
        add(
            P.API_CHANGE,
            C.INTEGRATION_FAILURE,
            0.45,
            f"The payload parsed at {where} is not JSON (an HTML error page, an empty body or a new format): {msg}.",
            "the raw body in the failing case is valid JSON",
            "Log the raw response body and status before parsing",
            "the failing responses have a non-200 status or non-JSON content type",
        )
        add(
            P.SCHEMA_MISMATCH,
            C.DATA_CORRUPTION,
            0.3,
            f"The data parsed at {where} is malformed or truncated: {msg}.",
            "the same payload parses with another JSON tool",
            "Save the failing payload and validate it",
            "only some payloads fail",
        )
    return out


def boundary_on_path(inp: RuleInput) -> list[Candidate]:
    """An external boundary (network, database, subprocess, file I/O) in the failing function or
    its caller: what came back from it may be what the code chokes on."""
    out: list[Candidate] = []
    for site in (inp.site, inp.caller):
        if site is None or site.function == "<module>":
            continue
        for fact in inp.boundaries(site.source, site.function):
            if not any(word in fact.reason for word in (*_EXTERNAL_KINDS, "file")):
                continue
            where = f"{site.rel}:{fact.start_line}"
            out.append(
                Candidate(
                    P.API_CHANGE if "file" not in fact.reason else P.MISSING_DATA,
                    C.INTEGRATION_FAILURE if "file" not in fact.reason else C.DATA_CORRUPTION,
                    0.2,
                    f"`{fact.text}` at {where} ({fact.reason}) returns something `{site.function}` "
                    f"does not expect (an error payload, an empty result, another format), and "
                    f"that is what fails at {inp.site.where if inp.site else where}.",
                    evidence=[
                        inp.traceback_evidence(),
                        code_evidence(
                            site.source, fact.start_line, f"external boundary: {fact.reason}"
                        ),
                    ],
                    falsification=[
                        f"the value returned at {where} in the failing run is well-formed"
                    ],
                    testing=[inp.reproduce_step(), f"Log what `{fact.text}` returns at {where}"],
                    symptoms=["failures line up with errors or changes on the other side"],
                    locations=[_loc(site.rel, fact.start_line, "external boundary", fact.text)],
                    probes=[
                        probe(
                            ProbeKind.LOGPOINT,
                            site.rel,
                            min(fact.start_line + 1, site.line or fact.start_line + 1),
                            f"log what came back from {fact.reason}",
                            log_message=f"after {fact.names[0] if fact.names else 'call'}: {{locals()}}",
                            score=0.55,
                        )
                    ],
                )
            )
            return out  # the innermost boundary is enough
    return out


def configuration(inp: RuleInput) -> list[Candidate]:
    """Change notes in the text ("after upgrading X", "since the deploy") and version pins."""
    env = inp.context.environment
    out = []
    if env.notes:
        note = env.notes[0]
        out.append(
            Candidate(
                P.DEPENDENCY_VERSION,
                C.CONFIGURATION_DRIFT,
                0.35,
                f'The change reported in "{note}" altered behaviour on the failing path'
                + (f" ({inp.site.where})" if inp.site else "")
                + ".",
                evidence=[text_evidence(f'change note: "{note}"')],
                falsification=["rolling the change back does not make the failure go away"],
                testing=[
                    "Reproduce on the version before the change and after it (bisect if needed)"
                ],
                symptoms=["the failure started at the time of that change"],
                locations=[inp.site.location("affected path")] if inp.site else [],
            )
        )
    if env.deployment == "production" and env.env_vars:
        out.append(
            Candidate(
                P.ENV_VAR,
                C.CONFIGURATION_DRIFT,
                0.2,
                f"Production configuration differs from local: the setting(s) {', '.join(env.env_vars[:3])} "
                "have other values there.",
                evidence=[text_evidence(f"mentions {', '.join(env.env_vars[:3])} and production")],
                falsification=["the settings are identical in both environments"],
                testing=[
                    "Diff the environment variables between production and a working environment"
                ],
                symptoms=["only production fails"],
            )
        )
    return out


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
