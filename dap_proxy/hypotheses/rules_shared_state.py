"""Offline rules for shared mutable state: mutable defaults and class attributes shared between
callers, and thread races on state read and written without a lock."""

from __future__ import annotations

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
    text_evidence,
)
from dap_proxy.hypotheses.context import intermittent_phrase
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C
from dap_proxy.hypotheses.rule_helpers import (
    body_line,
    code_location,
    message_values,
)


def shared_mutable(inp: RuleInput) -> list[Candidate]:
    out = []
    values = message_values(inp)
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
                    locations=[
                        code_location(source.rel, line, "mutable default", source.line(line))
                    ],
                    probes=[
                        probe(
                            ProbeKind.LOGPOINT,
                            source.rel,
                            body_line(source, line),
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
                        code_location(
                            source.rel,
                            container.line,
                            "class attribute",
                            source.line(container.line),
                        )
                    ],
                )
            )
    return out


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
                f"{source.rel}:{threads[0]} run it concurrently: updates are lost{message_values(inp)}."
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
                        code_location(
                            source.rel,
                            rmw.read_line,
                            "read of shared state",
                            source.line(rmw.read_line),
                        ),
                        code_location(
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
            else f"a wrong count or value{message_values(inp)} is what lost updates look like"
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
                locations=[code_location(source.rel, source.thread_lines()[0], "thread start")],
            )
        )
    return out
