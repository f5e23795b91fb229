"""The debuggee-side pydevd patches (`nodelay_shim/_smart_debug_pydevd.py`) on debugpy's own
pydevd classes: a spent `@HIT@ <= N` answers what pydevd's `eval` answers without the eval, a
spent probe of ours is not evaluated and leaves the tracer's table (only its own entry), a
logpoint of the user's keeps pydevd's behaviour, and the writer's `empty` answers as before.

pydevd is imported in a child interpreter (its modules read the environment and the process's
state when imported), stock first, then patched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import debugpy
import pytest

from dap_proxy.proxy.nodelay import SHIM_DIR
from dap_proxy.proxy.nodelay_shim import _smart_debug_pydevd as patches

PYDEVD = Path(debugpy.__file__).parent / "_vendored" / "pydevd"
CHILD_TIMEOUT = 60  # seconds: one child interpreter importing pydevd

CHILD = textwrap.dedent(
    """
    import json, os, sys, types
    from _pydevd_bundle import pydevd_breakpoints, pydevd_comm, pydevd_constants
    # the shim's directory also holds its sitecustomize, which would patch pydevd at import:
    # here only the module under test is taken from it, after pydevd's own code is loaded
    sys.path.insert(0, os.environ["SHIM_DIR"])
    import _smart_debug_pydevd

    calls = []
    evals = []
    real_eval = eval

    def count():
        calls.append(1)
        return True

    def counting_eval(text, *args):
        evals.append(text)
        return real_eval(text, *args)

    pydevd_breakpoints.eval = counting_eval  # what pydevd's hit condition calls

    CONDITIONS = [
        "@HIT@ <= 3",
        "@HIT@ <= 3 and count()",
        "@HIT@ <= 3 and (x > 1) and ((x, count) or True)",
        "@HIT@ <= 3 and count() or count()",
        "@HIT@ == 2",
        "@HIT@ >= 2 and count()",
        "count() and @HIT@ <= 3",
        "@HIT@ <= 3 < 5",
        "@HIT@ <= 0 and count()",
        "@HIT@ <= missing and count()",
        "@HIT@ <=",
    ]
    HITS = 8

    def hits(condition):
        x = 5
        frame = sys._getframe()
        breakpoint = pydevd_breakpoints.LineBreakpoint(
            1, 10, None, "None", None, hit_condition=condition
        )
        del calls[:], evals[:]
        answers = [bool(breakpoint.handle_hit_condition(frame)) for _ in range(HITS)]
        return {"answers": answers, "calls": len(calls), "evals": len(evals)}

    before = {c: hits(c) for c in CONDITIONS}
    _smart_debug_pydevd.patch_pydevd_breakpoints(pydevd_breakpoints)
    _smart_debug_pydevd.patch_pydevd_breakpoints(pydevd_breakpoints)  # twice: applied once
    after = {c: hits(c) for c in CONDITIONS}

    # pydevd's order on each hit: evaluate `expression` (a logpoint's message) when it is not
    # None, then ask the hit condition
    def logpoint(message, line, table):
        breakpoint = pydevd_breakpoints.LineBreakpoint(
            2, line, None, "None", message, hit_condition="@HIT@ <= 2 and ((x,) or True)",
            is_logpoint=True,
        )
        table[line] = breakpoint
        return breakpoint

    def run(breakpoint, count):
        x = 1
        frame = sys._getframe()
        evaluated = []
        for _ in range(count):
            if breakpoint.expression is not None:
                evaluated.append(breakpoint.expression)
            breakpoint.handle_hit_condition(frame)
        return len(evaluated)

    probe_file, other_file = {}, {}
    user_breakpoint = pydevd_breakpoints.LineBreakpoint(3, 30, None, "None", None)
    probe_file[30] = user_breakpoint
    py_db = types.SimpleNamespace(breakpoints={"probe.py": probe_file, "other.py": other_file})
    pydevd_constants.GlobalDebuggerHolder.global_dbg = py_db
    probe = logpoint("'@@sd:p1@%s@@%s' % (1, repr(x))", 10, probe_file)
    users = logpoint("'x=%s' % (x,)", 20, probe_file)
    elsewhere = logpoint("'@@sd:p2@%s@@%s' % (1, repr(x))", 10, other_file)
    other_file[10] = newer = pydevd_breakpoints.LineBreakpoint(4, 10, None, "None", None)
    evaluated = {"probe": run(probe, 6), "users": run(users, 6), "replaced": run(elsewhere, 6)}
    tables = {
        name: {str(line): bp.breakpoint_id for line, bp in lines.items()}
        for name, lines in py_db.breakpoints.items()
    }

    _smart_debug_pydevd.patch_pydevd_comm(pydevd_comm)
    writer = pydevd_comm.WriterThread.__new__(pydevd_comm.WriterThread)
    import queue
    writer._cmd_queue = queue.Queue()
    empty = [writer.empty()]
    writer._cmd_queue.put("message")
    empty.append(writer.empty())

    print(json.dumps({"before": before, "after": after, "evaluated": evaluated,
                      "tables": tables, "empty": empty}))
    """
)


@pytest.fixture(scope="module")
def child() -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(PYDEVD),
        "SHIM_DIR": str(SHIM_DIR),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_spent_budget_answers_what_pydevd_answers_without_evaluating(child: dict) -> None:
    before, after = child["before"], child["after"]
    for condition, stock in before.items():
        # the same answers and the same calls the condition makes, whatever its shape
        assert (after[condition]["answers"], after[condition]["calls"]) == (
            stock["answers"],
            stock["calls"],
        ), condition
    # stock pydevd evaluates the text on every hit; past N the patch does not
    assert before["@HIT@ <= 3 and count()"]["evals"] == 8
    assert after["@HIT@ <= 3 and count()"]["evals"] == 3
    assert after["@HIT@ <= 3 and (x > 1) and ((x, count) or True)"]["evals"] == 3
    assert after["@HIT@ <= 0 and count()"]["evals"] == 0
    assert after["@HIT@ <= 3 and count()"]["answers"] == [True] * 3 + [False] * 5
    # any other shape is left to pydevd's own eval on every hit
    for other in ("@HIT@ <= 3 and count() or count()", "@HIT@ == 2", "count() and @HIT@ <= 3"):
        assert after[other]["evals"] == 8, other


def test_a_spent_probe_is_not_evaluated_and_leaves_only_its_own_tracer_entry(child: dict) -> None:
    # a budget of 2: a probe of ours is evaluated on its 2 hits, a user's logpoint on every hit
    assert child["evaluated"] == {"probe": 2, "users": 6, "replaced": 2}
    assert child["tables"] == {
        "probe.py": {"20": 2, "30": 3},  # the user's logpoint and breakpoint stay
        # a newer setBreakpoints put another breakpoint on that line: it stays
        "other.py": {"10": 4},
    }


def test_the_writer_answers_empty_as_before(child: dict) -> None:
    assert child["empty"] == [True, False]


@pytest.mark.parametrize(
    ("condition", "limit"),
    [
        ("@HIT@ <= 100", 100),
        (" @HIT@ <= 7 and (a > 1) and ((a, b, __import__,) or True)", 7),
        ("@HIT@<=3 and x", 3),
        ("@HIT@ <= 3 and x or y", None),
        ("x and @HIT@ <= 3", None),
        ("@HIT@ <= 3 < x", None),
        ("@HIT@ < 3", None),
        ("@HIT@ <= 3.5", None),
        ("@HIT@ <= True", None),
        ("@HIT@ <= n", None),
        ("@HIT@ <=", None),
        ("_smart_debug_hit_ <= 3", None),
        ("", None),
    ],
)
def test_which_hit_conditions_have_a_budget(condition: str, limit: int | None) -> None:
    assert patches.spent_after(condition) == limit
