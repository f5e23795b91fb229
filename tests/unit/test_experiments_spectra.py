"""Spectrum formulas and counts (experiments/spectra.py)."""

from __future__ import annotations

import math

import pytest

from dap_proxy.experiments.spectra import LineSpectrum, dstar, ochiai, spectra, tarantula


@pytest.mark.parametrize(
    ("ef", "ep", "nf", "np_", "expected"),
    [
        (2, 0, 0, 5, 1.0),  # every failing test and no passing one
        (2, 2, 0, 3, 2 / math.sqrt(2 * 4)),
        (1, 0, 1, 3, 1 / math.sqrt(2 * 1)),
        (0, 4, 2, 0, 0.0),
    ],
)
def test_ochiai(ef: int, ep: int, nf: int, np_: int, expected: float) -> None:
    assert ochiai(LineSpectrum(ef=ef, ep=ep, nf=nf, np=np_)) == pytest.approx(expected)


def test_dstar_and_tarantula_order_lines_like_ochiai_here() -> None:
    only_failing = LineSpectrum(ef=2, ep=0, nf=0, np=4)
    shared = LineSpectrum(ef=2, ep=3, nf=0, np=1)
    assert dstar(only_failing) > dstar(shared) > 0
    assert tarantula(only_failing) == 1.0 > tarantula(shared)


def test_counts_per_line() -> None:
    table = spectra(
        [
            (True, [("a.py", 1), ("a.py", 2)]),
            (False, [("a.py", 1)]),
            (False, [("a.py", 1), ("a.py", 3)]),
        ]
    )
    assert table[("a.py", 1)] == LineSpectrum(ef=1, ep=2, nf=0, np=0)
    assert table[("a.py", 2)] == LineSpectrum(ef=1, ep=0, nf=0, np=2)
    assert table[("a.py", 3)] == LineSpectrum(ef=0, ep=1, nf=1, np=1)
