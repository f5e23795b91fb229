"""Offline rules for stale caches: a memo cache that is never invalidated when its source changes,
and memoised reads that keep serving an old value."""

from __future__ import annotations

import re

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import assigned_value
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C
from dap_proxy.hypotheses.rule_helpers import (
    body_line,
    code_location,
    message_values,
)


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
            locations = [code_location(source.rel, cache.line, "cache", source.line(cache.line))]
            if writers:
                fn, data, line = writers[0]
                statement += (
                    f": `{fn}` updates `{data}` at {source.rel}:{line} but leaves the old entry in "
                    f"`{cache.name}`, so later reads return the stale value"
                )
                locations.append(
                    code_location(
                        source.rel, line, "update without invalidation", source.line(line)
                    )
                )
            statement += message_values(inp) + "."
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
                        f"before the change{message_values(inp)}.",
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
                            code_location(source.rel, line, "memoised function", source.line(line)),
                            code_location(
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
                                body_line(source, line),
                                "never hit after the change if the memo answers",
                                score=0.6,
                            ),
                        ],
                    )
                )
    return out


def _value_at(source, line: int):  # noqa: ANN001 - PythonSource, avoided to keep imports light
    return assigned_value(source, line)
