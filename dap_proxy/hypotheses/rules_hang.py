"""Offline rule for hangs: a reported hang traced to a loop that never terminates, a blocking
call with no timeout, or a deadlock between locks on the failing path."""

from __future__ import annotations

import re
from pathlib import Path

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import endless_loop
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
    text_evidence,
)
from dap_proxy.hypotheses.context import hang_phrase
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C
from dap_proxy.hypotheses.rule_helpers import (
    EXTERNAL_KINDS,
    code_location,
)

_BLOCKING = ("socket", "ssl", "select", "recv", "subprocess", "acquire", "wait", "urllib", "http")
_NETWORK = re.compile(r"\b(requests\.|urlopen|socket\.|httpx\.|\.recv\(|\.connect\(|aiohttp|grpc)")


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
        if any(word in f.reason for word in EXTERNAL_KINDS)
    ]
    network = bool(external) or (site is not None and bool(_NETWORK.search(site.source.text)))
    if site is not None:
        source = site.source
        loops = source.loops_at(site.line)
        endless = endless_loop(source, site.line)
        if endless is not None:
            cond = source.segment(endless.test)
            names = endless.names
            # `lo = mid` can leave lo unchanged; `lo = mid + 1` always moves it.
            stuck = endless.stuck
            statement = (
                f"The loop `while {cond}` in `{site.function}` ({source.rel}:{endless.line}) "
                "never ends"
            )
            if stuck:
                first = stuck[0]
                tgt = first.target
                val = source.segment(first.value)
                statement += (
                    f": `{source.segment(first.node)}` (line {first.line}) leaves `{tgt}` unchanged "
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
                        f"Log {', '.join(watched)} at line {endless.line} for a few iterations",
                    ],
                    symptoms=["100% CPU with no progress", "the logged loop variables repeat"],
                    locations=[
                        code_location(
                            source.rel,
                            endless.line,
                            "loop condition",
                            source.line(endless.line),
                        )
                    ]
                    + [
                        code_location(
                            source.rel,
                            s.line,
                            "update that may not progress",
                            source.line(s.line),
                        )
                        for s in stuck[:2]
                    ],
                    probes=[
                        probe(
                            ProbeKind.LOGPOINT,
                            source.rel,
                            endless.body_line,
                            "log the loop variables each iteration",
                            log_message=log,
                            score=0.85,
                        ),
                        probe(
                            ProbeKind.HIT_COUNT,
                            source.rel,
                            endless.body_line,
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
                    locations=[code_location(source.rel, loops[-1].lineno, "loop", header)],
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
                locations=[
                    code_location(thread_line.rel, thread_line.thread_lines()[0], "thread start")
                ],
            )
        )
    return out
