"""Environment facts from free text (an issue, a bug report, a log header): versions, OS, where it
fails (production / staging / dev / CI) and the hints that steer hypotheses toward races, load or
configuration ("intermittent", "under load", "only in production"). Issue 3; the hypotheses room
builds its FailureContext from ParsedFailure + EnvironmentFacts."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from dap_proxy.analysis.traceback import strip_failures

# characters scanned (the facts of a report are near its top; Python's `re` needs ~4 ms per
# 10k characters and keyword, so a long log is cut rather than scanned whole)
_MAX_TEXT = 100_000
_MAX_PROSE = 50_000

_PYTHON = re.compile(r"\b(?:c?python|py)\s?v?(\d\.\d{1,2}(?:\.\d{1,2})?)\b", re.IGNORECASE)
_PYTHON_PATH = re.compile(r"[\\/]python(\d\.\d{1,2})[\\/]")
_NODE = re.compile(r"\b(?:node(?:\.js|js)?)\s?v?(\d{1,2}(?:\.\d{1,3}){0,2})\b", re.IGNORECASE)
_OS = re.compile(
    r"\b(ubuntu|debian|alpine|centos|fedora|rhel|red hat|amazon linux|windows|macos|mac os x?|"
    r"osx|darwin|linux)\b(?:\s+v?(\d+(?:\.\d+)*))?",
    re.IGNORECASE,
)
_OS_NAMES = {"mac os": "macos", "mac os x": "macos", "osx": "macos", "darwin": "macos"}
_ENVIRONMENTS: list[tuple[str, re.Pattern[str]]] = [
    ("production", re.compile(r"\b(?:production|prod)\b", re.IGNORECASE)),
    ("staging", re.compile(r"\b(?:staging|stage|pre-?prod|uat)\b", re.IGNORECASE)),
    ("dev", re.compile(r"\b(?:dev|development|locally|local machine|my machine|laptop)\b", re.I)),
    ("ci", re.compile(r"\b(?:CI|(?i:github actions|gitlab ci|jenkins|circleci|buildkite))\b")),
    ("test", re.compile(r"\b(?:test environment|testing environment|qa)\b", re.IGNORECASE)),
]
_CONTAINER = re.compile(r"\b(?:docker|container|kubernetes|k8s|pod|ecs|compose)\b", re.IGNORECASE)
# The one vocabulary for "it does not always happen" and "it hangs" (triage's context builder
# reads these too): intermittent wording, counts of failing runs, shares of requests.
INTERMITTENT = re.compile(
    r"\b(?:intermittent(?:ly)?|flak(?:y|iness|es?)|sporadic(?:ally)?|sometimes|occasionally|"
    r"randomly|now and then|not always|every (?:few|other)|every now and then|from time to time|"
    r"hard to reproduce|non-?deterministic|"
    r"(?:can't|cannot|can not|couldn't) reproduce(?: (?:it )?(?:reliably|consistently))?|"
    r"\d+\s*(?:out of|in|/)\s*\d+\s*(?:runs?|times|tries|attempts|requests)|"
    r"\d+(?:\.\d+)?\s*%\s*of (?:the )?(?:runs?|requests|calls|time|cases|users)|"
    r"(?:1|one) (?:\w+ )?(?:in|out of) (?:\d+|ten|a hundred|a thousand)(?![.\d])|"
    # "15% of page refreshes", "Affected: 5% of requests"
    r"\d{1,2}(?:\.\d+)?\s?% of (?:the )?(?:\w+ )?(?:runs?|requests|calls|time|cases|users|"
    r"refreshes|builds|jobs|attempts|tries|sessions|orders|checkouts))\b",
    re.IGNORECASE,
)
# Words that report a hang or a timeout rather than an exception.
HANG = re.compile(
    r"\b(hangs?|hanging|hung|freez(es|ing)|frozen|stuck|never (?:returns|finishes|completes|ends)|"
    r"timed? ?out|timeout|deadlock(ed)?|100\s?% cpu|spins? forever|runs? forever|"
    r"ctrl[- ]c)\b",
    re.IGNORECASE,
)
_LOAD = re.compile(
    r"\b(?:under (?:heavy )?load|high (?:load|traffic)|peak (?:hours|traffic)|load test(?:ing)?|"
    r"many (?:concurrent )?(?:requests|users)|stress test|when busy|traffic spikes?)\b",
    re.IGNORECASE,
)
_CONCURRENCY = re.compile(
    r"\b(?:race condition|concurren(?:t|cy)|parallel|multi-?thread(?:ed|ing)?|deadlock|threads?|"
    r"async|simultaneous(?:ly)?|at the same time)\b",
    re.IGNORECASE,
)
_ONLY_PROD = re.compile(
    r"\bonly\s(?:happens\s|fails\s|occurs\s|breaks\s|seen\s)?(?:in|on)\sprod(?:uction)?\b|"
    r"\bworks\s(?:fine\s|ok\s)?(?:locally|on\smy\smachine|in\sdev|on\sstaging)\b|"
    r"\b(?:never|not)\s(?:saw|see|seen|happen\w*|reproduc\w*)\s(?:it\s)?(?:on|in)\s"
    r"(?:staging|dev|development|local\w*)\b|"
    r"\b(?:can't|cannot|could\snot|couldn't)\sreproduce\s(?:it\s)?locally\b",
    re.IGNORECASE,
)
_REGRESSION = re.compile(
    r"\b(?:used to work|worked before|regression|since (?:the )?(?:last |latest |\w+'s )?"
    r"(?:deploy\w*|release|upgrade|update)|after (?:upgrading|updating|the upgrade|the update|"
    r"deploy\w*|the (?:last |latest )?release))\b",
    re.IGNORECASE,
)
# pytest's own header lines name plugins (`timeout-2.4.0`, `asyncio-1.5.0`): not hints
_TOOL_HEADER = re.compile(r"^(?:plugins|platform|rootdir|configfile|cachedir|asyncio): ")
_TIMING = re.compile(r"\b(?:timeouts?|timed out|slow|hangs?|hanging|latency)\b", re.IGNORECASE)


class EnvironmentFacts(BaseModel):
    """What a report says about where and how a failure happens. Empty when it says nothing."""

    python_version: str | None = None  # "3.11.7"
    node_version: str | None = None  # "20.20.2"
    os: str | None = None  # "ubuntu", "windows", "macos", ... (lower case)
    os_version: str | None = None  # "22.04"
    environments: list[str] = Field(default_factory=list)  # production|staging|dev|ci|test
    container: bool = False  # docker / kubernetes mentioned
    intermittent: bool = False  # flaky, sometimes, 1 in 50, hard to reproduce
    under_load: bool = False  # under load, high traffic, many requests
    concurrency: bool = False  # threads, async, race condition mentioned
    only_in_production: bool = False  # "only in production", "works locally"
    regression: bool = False  # "since the last deploy", "used to work"
    timing: bool = False  # timeouts, slowness, hangs
    hints: list[str] = Field(default_factory=list)  # the phrases that set the flags, as written

    @property
    def is_empty(self) -> bool:
        return self == EnvironmentFacts()


def _first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


def extract_environment(text: str) -> EnvironmentFacts:
    """Environment facts mentioned in `text`. Never raises; unknown stays None / False."""
    text = text[:_MAX_TEXT] if isinstance(text, str) else ""
    facts = EnvironmentFacts()
    hints: list[str] = []

    m = _first(_PYTHON, text)
    if m:
        facts.python_version = m.group(1)
    else:
        m = _first(_PYTHON_PATH, text)  # /usr/lib/python3.11/... in a traceback
        if m:
            facts.python_version = m.group(1)
    m = _first(_NODE, text)
    if m:
        facts.node_version = m.group(1)
    m = _first(_OS, text)
    if m:
        name = m.group(1).lower()
        facts.os = _OS_NAMES.get(name, name)
        facts.os_version = m.group(2)

    # hints come from the prose only: code in frames says `timeout`, `async`, `threads` freely
    prose = "\n".join(
        line for line in strip_failures(text).split("\n") if not _TOOL_HEADER.match(line)
    )[:_MAX_PROSE]
    for env, pattern in _ENVIRONMENTS:
        if pattern.search(prose):
            facts.environments.append(env)
    facts.container = bool(_CONTAINER.search(prose))

    flags = [
        ("intermittent", INTERMITTENT),
        ("under_load", _LOAD),
        ("concurrency", _CONCURRENCY),
        ("only_in_production", _ONLY_PROD),
        ("regression", _REGRESSION),
        ("timing", _TIMING),
    ]
    for name, pattern in flags:
        found = pattern.search(prose)
        if found:
            setattr(facts, name, True)
            hints.append(" ".join(found.group(0).split()))
    facts.hints = hints
    return facts
