"""Offline rules for failures at the program's edges: integration errors (dependency versions,
auth, rate limits, timeouts, API and schema changes, resource exhaustion), an external boundary
on the failing path, and configuration changes."""

from __future__ import annotations

import re

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    code_evidence,
    probe,
    text_evidence,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C
from dap_proxy.hypotheses.rule_helpers import (
    EXTERNAL_KINDS,
    code_location,
)

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
            if not any(word in fact.reason for word in (*EXTERNAL_KINDS, "file")):
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
                    locations=[
                        code_location(site.rel, fact.start_line, "external boundary", fact.text)
                    ],
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
