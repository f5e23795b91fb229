"""The headless driver against the real proxy and debugpy: the launch sequence, a stop with its
stack and locals, evaluate, a step, continue to the end with the exit code; a program that
floods its output; a configuration debugpy refuses; the live session's requests (a probe added
while the program runs is in debugpy once the request is answered); and no process left
behind."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import wait_for
from dap_helpers import PROGRAMS, REPO, assert_all_gone, cmdline, descendants, find_markers

from dap_proxy.headless import (
    HeadlessError,
    HeadlessSession,
    LaunchConfig,
    LiveUnavailable,
    Phase,
    SourceBreakpoint,
)

pytestmark = pytest.mark.e2e
RUN_TIMEOUT = 60.0  # seconds: a small program under debugpy on a loaded 2-core machine
EXAMPLE = REPO / "examples" / "shopping_cart"


def _session(cwd: Path) -> HeadlessSession:
    return HeadlessSession.spawn(cwd=cwd)


def test_stop_stack_locals_evaluate_step_and_end() -> None:
    program = PROGRAMS / "loop.py"
    marks = find_markers(program)
    session = _session(program.parent)
    pid = session.client.process.pid if session.client.process else 0
    try:
        session.start(
            LaunchConfig(program=str(program), cwd=str(program.parent)),
            {program: [SourceBreakpoint(line=marks["helper"])]},
        )
        stop = session.wait_stopped(RUN_TIMEOUT)
        assert stop is not None and stop.reason == "breakpoint"
        assert session.state.phase is Phase.STOPPED
        frames = session.stack_trace()
        assert (Path(frames[0].file or "").name, frames[0].line) == ("loop.py", marks["helper"])
        assert [f.name for f in frames[:2]] == ["helper", "main"]
        assert session.locals(frames[0].id) == {"x": "3"}
        assert session.evaluate("x * 7", frames[0].id) == "21"
        session.step("next")
        stop = session.wait_stopped(RUN_TIMEOUT)
        assert stop is not None and stop.reason == "step"
        assert session.stack_trace()[0].line == marks["helper"] + 1
        children = descendants(pid)
        assert children, "debugpy's adapter and the program run under the proxy"
        session.continue_()
        assert session.wait_ended(RUN_TIMEOUT) == 3
        assert "sum 45" in session.output()
    finally:
        session.close()
    assert_all_gone({pid, *children})


def test_flood_is_bounded_and_the_session_still_ends() -> None:
    program = PROGRAMS / "run" / "flood.py"
    session = HeadlessSession.spawn(cwd=program.parent, output_budget=1_000_000)
    try:
        session.start(LaunchConfig(program=str(program), cwd=str(program.parent)))
        assert session.wait_ended(RUN_TIMEOUT * 2) == 1
        kept = len(session.output().encode())
        assert kept <= 1_000_000
        assert session.client.dropped_output_bytes > 30_000_000
        assert session.state.output_bytes >= 40_000_000
    finally:
        session.close()


def test_a_refused_configuration_says_why() -> None:
    session = _session(REPO)
    try:
        with pytest.raises(HeadlessError, match=r"launch"):
            session.start(
                LaunchConfig(program=str(PROGRAMS / "hello.py"), smartDebug={"ai": "not-an-engine"})
            )
    finally:
        session.close()


def test_config_needs_one_target() -> None:
    with pytest.raises(ValueError, match="exactly one of `program` or `module`"):
        LaunchConfig(program="a.py", module="b")
    arguments = LaunchConfig(module="pytest", args=["-q"], justMyCode=False).arguments()
    assert arguments == {
        "module": "pytest",
        "args": ["-q"],
        "console": "internalConsole",
        "justMyCode": False,
    }


def test_live_session_requests_through_the_proxy(tmp_path: Path) -> None:
    """With the live-session room: hypotheses from `smartDebug.traceback`, a probe added before
    configurationDone, its observations as evidence. Without it: `LiveUnavailable`."""
    shop = tmp_path / "shop"  # a copy: the session records its failure in the workspace store
    shutil.copytree(EXAMPLE, shop, ignore=shutil.ignore_patterns(".smart-debug", "__pycache__"))
    cart = shop / "cart.py"
    traceback = tmp_path / "failure.txt"
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=shop, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    assert tests.returncode == 1, tests.stdout
    traceback.write_text(tests.stdout)
    session = _session(shop)
    added = []
    try:
        session.begin(
            LaunchConfig(
                program=str(shop / "checkout.py"),
                cwd=str(shop),
                smartDebug={"traceback": str(traceback)},
            )
        )
        try:
            session.probes()
        except LiveUnavailable:
            session.configure()
            session.wait_ended(RUN_TIMEOUT)
            pytest.skip("the proxy has no live-session room yet (smartDebug/* unanswered)")

        def probe(s: HeadlessSession) -> None:
            added.append(s.add_probe(str(cart), 27, log_message="items={repr(items)}"))

        session.configure(before_configuration_done=probe)
        assert session.wait_ended(RUN_TIMEOUT) == 0
        live = session.live
        assert live.hypotheses is not None and live.hypotheses.hypotheses
        observed = [e for e in live.evidence if e.kind == "probe" and e.probe == added[0].id]
        assert observed and any("(3.0, 10)" in v for e in observed for v in e.values.values())
    finally:
        session.close()


HELD = """\
import os
import time


def work(n):
    return n * 2  # @bp work


open("waiting", "w").close()
while not os.path.exists("go"):  # held until the test says go
    time.sleep(0.005)
print(work(21))
"""


def test_a_probe_added_while_the_program_runs_is_in_when_the_answer_comes(
    tmp_path: Path,
) -> None:
    program = tmp_path / "held.py"
    program.write_text(HELD)
    with _session(tmp_path) as session:
        session.start(LaunchConfig(program=str(program), cwd=str(tmp_path), smartDebug={}))
        wait_for(lambda: (tmp_path / "waiting").exists(), RUN_TIMEOUT, "the program to run")
        probe = session.add_probe(str(program), find_markers(program)["work"], log_message="n={n}")
        (tmp_path / "go").touch()  # the line runs once, right away
        assert session.wait_ended(RUN_TIMEOUT) == 0
        observed = [e for e in session.live.evidence if e.kind == "probe" and e.probe == probe.id]
        assert [e.values for e in observed] == [{"n": "21"}]


def test_no_process_left_when_closed_mid_run() -> None:
    program = PROGRAMS / "run" / "hang.py"
    session = _session(program.parent)
    pid = session.client.process.pid if session.client.process else 0
    session.start(LaunchConfig(program=str(program), cwd=str(program.parent)))
    with pytest.raises(HeadlessError, match="still running"):
        session.wait_stop_or_end(1.0)
    children = descendants(pid)
    assert any("hang.py" in cmdline(c) for c in children), "the program runs"
    session.close()
    assert_all_gone({pid, *children})
    assert session.state.phase is Phase.ENDED
