import sys

import pytest

import batch


def test_trace_calls_names_the_callees():
    result, called = batch.trace_calls(batch.chunk_totals, [1, 2, 3, 4], 2)
    assert called == ["chunks", "total", "total"]
    assert result == [3, 7]


def test_trace_calls_of_total():
    result, called = batch.trace_calls(batch.total, [4, 5])
    assert (result, called) == (9, [])


def test_trace_calls_puts_the_previous_tracer_back():
    before = sys.gettrace()
    batch.trace_calls(batch.total, [1])
    assert sys.gettrace() is before


def test_own_settrace_counts_lines():
    lines = []

    def tracer(frame, event, arg):
        if frame.f_code is batch.total.__code__ and event == "line":
            lines.append(frame.f_lineno)
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        batch.total([1, 2, 3])
    finally:
        sys.settrace(previous)
    first = batch.total.__code__.co_firstlineno
    assert lines.count(first + 3) == 3  # the loop body ran once per number


def test_own_coverage_measures_total():
    coverage = pytest.importorskip("coverage")
    cov = coverage.Coverage(data_file=None, include=[batch.__file__], config_file=False)
    cov.start()
    try:
        batch.total([1, 2])
    finally:
        cov.stop()
    lines = set(cov.get_data().lines(batch.__file__) or [])
    first = batch.total.__code__.co_firstlineno
    assert {first + 1, first + 2, first + 3, first + 4} <= lines


def test_own_coverage_of_chunks():
    coverage = pytest.importorskip("coverage")
    cov = coverage.Coverage(data_file=None, include=[batch.__file__], config_file=False)
    cov.start()
    try:
        parts = batch.chunks([1, 2, 3], 2)
    finally:
        cov.stop()
    assert cov.get_data().lines(batch.__file__)
    assert parts == [[1, 2], [3]]
