"""Spectrum-based fault localization: per-line counts of failing/passing tests that executed the
line, and the classic suspiciousness formulas (Ochiai, DStar, Tarantula)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from pydantic import BaseModel

Line = tuple[str, int]


class LineSpectrum(BaseModel):
    ef: int = 0  # failing runs that executed the line
    ep: int = 0  # passing runs that executed the line
    nf: int = 0  # failing runs that did not
    np: int = 0  # passing runs that did not


def ochiai(s: LineSpectrum) -> float:
    denominator = math.sqrt((s.ef + s.nf) * (s.ef + s.ep))
    return s.ef / denominator if denominator else 0.0


def dstar(s: LineSpectrum, star: int = 2) -> float:
    denominator = s.ep + s.nf
    if denominator == 0:  # executed by every failing run and no passing one: the maximum
        return float(s.ef**star) * 10.0 if s.ef else 0.0
    return s.ef**star / denominator


def tarantula(s: LineSpectrum) -> float:
    failed, passed = s.ef + s.nf, s.ep + s.np
    f = s.ef / failed if failed else 0.0
    p = s.ep / passed if passed else 0.0
    return f / (f + p) if f + p else 0.0


def spectra(observations: Iterable[tuple[bool, Iterable[Line]]]) -> dict[Line, LineSpectrum]:
    """Counts per line from (failed, lines executed) observations (one per test per run)."""
    rows = [(failed, set(lines)) for failed, lines in observations]
    total_failed = sum(1 for failed, _ in rows if failed)
    total_passed = len(rows) - total_failed
    table: dict[Line, LineSpectrum] = {}
    for failed, lines in rows:
        for line in lines:
            entry = table.setdefault(line, LineSpectrum())
            if failed:
                entry.ef += 1
            else:
                entry.ep += 1
    for entry in table.values():
        entry.nf = total_failed - entry.ef
        entry.np = total_passed - entry.ep
    return table
