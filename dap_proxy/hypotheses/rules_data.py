"""Offline rules for bad data: UnicodeDecodeError/UnicodeEncodeError from a wrong codec, and
ValueError from a value whose format differs from what the parser expects (schema drift)."""

from __future__ import annotations

import re

from dap_proxy.analysis.models import ProbeKind
from dap_proxy.analysis.pyqueries import call_argument
from dap_proxy.hypotheses.candidates import (
    Candidate,
    RuleInput,
    probe,
)
from dap_proxy.hypotheses.models import BugPattern as P
from dap_proxy.hypotheses.models import HypothesisCategory as C


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


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
    # The argument of the failing conversion: `int(record["qty"])` -> record["qty"].
    argument = call_argument(site.source, site.line, conv) if conv else None
    field = (site.source.segment(argument) if argument is not None else None) or "the field"
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
