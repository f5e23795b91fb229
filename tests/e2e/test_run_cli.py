"""`smart-debug run`, `verify` and `history` as processes on real programs: the bundled example's
failing tests (report files, schema, hypotheses, impact), a crash, a hang, an output flood, a
program that does not start, Ctrl-C mid-run and while localize works (report written, no process
left), verify after the fix, history; and the HTML report rendered by headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import wait_for
from dap_helpers import PROGRAMS, REPO, assert_all_gone, cmdline, descendants

from dap_proxy.evidence.reports.files import schema

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
RUN_TIMEOUT = 180.0  # seconds: localize + a debug session on a loaded 2-core machine
EXAMPLE = REPO / "examples" / "shopping_cart"
CLI = [sys.executable, "-c", "import sys; from dap_proxy.cli import main; sys.exit(main())"]


def smart_debug(
    *args: str, cwd: Path, timeout: float = RUN_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [*CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def report_of(workspace: Path) -> dict:
    found = sorted((workspace / ".smart-debug" / "reports").glob("*.json"))
    assert found, "no report written"
    return json.loads(found[-1].read_text())


@pytest.fixture
def cart(tmp_path: Path) -> Path:
    workspace = tmp_path / "shopping_cart"
    shutil.copytree(
        EXAMPLE, workspace, ignore=shutil.ignore_patterns(".smart-debug", "__pycache__")
    )
    return workspace


def pytest_on(test: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip


def test_run_on_failing_tests_then_verify_the_fix_then_history(cart: Path) -> None:
    before = sorted(p.relative_to(cart) for p in cart.rglob("*.py"))
    result = smart_debug("run", "--", sys.executable, "-m", "pytest", "-q", "tests", cwd=cart)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "experiments" in result.stderr and "running" in result.stderr
    report = report_of(cart)
    # the session ran the two failing tests only: the suspect function's arguments at its
    # entry are theirs, and the boundary case's values were read at cart.py:28
    entry = [e for e in report["evidence"] if e["source"] == "live probe" and e["line"] == 27]
    assert {e["values"]["items"] for e in entry} == {"[(1.0, 10)]", "[(3.0, 10)]"}
    at_28 = [
        e["values"] for e in report["evidence"] if e["source"] == "live probe" and e["line"] == 28
    ]
    assert at_28 and all(v["count"] == "10" and v["BULK_THRESHOLD"] == "10" for v in at_28)
    assert "at cart.py:28:" in result.stdout and "count=10" in result.stdout
    # the live session tested localize's hypotheses: H1's prediction held, it decided H1
    h1 = report["hypotheses"][0]
    [branch] = h1["predictions"]
    assert (branch["kind"], branch["verdict"]) == ("branch", "held"), branch
    assert h1["status"] == "confirmed" and h1["probability"] > 80
    assert any(
        d.startswith("live: ") and "boundary case was not taken" in d for d in h1["decided_by"]
    )
    verdicts = [t for t in report["timeline"] if t["kind"] == "verdict"]
    assert any(t["text"].startswith("H1 up:") for t in verdicts), verdicts
    assert any("boundary case" in p["reason"] for p in h1["history"]), h1["history"]
    assert report["debug_session_id"] and report["debug_session_id"] != report["session_id"]
    # the regression test: in the report folder, from the observed arguments, failing now
    regression = report["regression"]
    assert regression["status"] == "written" and regression["failed_on_current_code"], regression
    test = cart / regression["path"]
    assert test.parent == cart / ".smart-debug" / "reports"
    assert "assert discount(items=[(1.0, 10)]) == pytest.approx(1.0)" in test.read_text()
    assert "assert discount(items=[(3.0, 10)]) == pytest.approx(3.0)" in test.read_text()
    assert pytest_on(test, cart).returncode == 1
    assert (
        sorted(p.relative_to(cart) for p in cart.rglob("*.py") if ".smart-debug" not in p.parts)
        == before
    )
    stem = sorted((cart / ".smart-debug" / "reports").glob("*.json"))[-1].with_suffix("")
    assert stem.with_suffix(".md").is_file() and stem.with_suffix(".html").is_file()
    assert report["version"] == 1 and report["command_kind"] == "tests"
    assert report["failure"]["kind"] == "wrong result"
    assert len(report["failure"]["failing_tests"]) == 2
    h1 = report["hypotheses"][0]
    assert (h1["locations"][0]["file"], h1["locations"][0]["line"]) == ("cart.py", 28)
    assert h1["fix_hint"] and ">=" in h1["fix_hint"]
    kinds = {t["kind"] for t in report["timeline"]}
    assert {"phase", "experiment", "end"} <= kinds
    impact = report["impact"]
    assert impact["blast_radius"]["function"] == "discount"
    assert {(c["file"], c["function"]) for c in impact["blast_radius"]["callers"]} >= {
        ("cart.py", "total"), ("checkout.py", "main"),
    }  # fmt: skip
    assert impact["severity"]["level"] in ("medium", "high")
    assert impact["fix_complexity"]["level"] == "one line"
    assert report["strategy"]["chosen"][0] == "interactive"
    assert any("cart.py:28" in line for line in result.stdout.splitlines() if "H1" in line)
    # the fix, then verify
    shutil.copy(REPO / "examples" / "shopping_cart_fixed" / "cart.py", cart / "cart.py")
    verified = smart_debug("verify", cwd=cart)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    after = report_of(cart)
    assert after["verifications"][-1]["ok"] is True
    rows = {r["check"]: r for r in after["verifications"][-1]["rows"]}
    assert rows["the regression test"]["result"] == "pass"
    assert rows["the top hypothesis no longer holds"]["result"] == "pass"
    assert pytest_on(test, cart).returncode == 0
    assert "Verification" in stem.with_suffix(".md").read_text()
    history = smart_debug("history", "--json", cwd=cart)
    rows = json.loads(history.stdout)
    # newest first; the live sessions run and verify drove are listed too, as "debug"
    shown = [r for r in rows if r["kind"] != "debug"]
    assert [r["kind"] for r in shown][:2] == ["verify", "run"]
    assert shown[1]["root_cause"] and "cart.py:28" in shown[1]["root_cause"]
    # seen before: the next run of the same failure shows what fixed it
    shutil.copy(EXAMPLE / "cart.py", cart / "cart.py")
    again = smart_debug("run", "--", sys.executable, "-m", "pytest", "-q", "tests", cwd=cart)
    assert "seen before" in again.stdout and "cart.py:28" in again.stdout


def test_verify_fails_while_the_bug_is_there(cart: Path) -> None:
    assert (
        smart_debug("run", "--", sys.executable, "-m", "pytest", "-q", "tests", cwd=cart).returncode
        == 0
    )
    verified = smart_debug("verify", cwd=cart)
    assert verified.returncode == 1
    assert report_of(cart)["verifications"][-1]["ok"] is False


def test_report_schema_file_is_current() -> None:
    documented = json.loads(
        (REPO / "dap_proxy" / "evidence" / "reports" / "report.schema.json").read_text()
    )
    assert documented == schema()


def test_a_crashing_script(tmp_path: Path) -> None:
    shutil.copy(PROGRAMS / "crash.py", tmp_path)
    result = smart_debug("run", "--", sys.executable, "crash.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = report_of(tmp_path)
    assert report["failure"]["kind"] == "crash" and report["failure"]["type"] == "ValueError"
    stop = next(e for e in report["evidence"] if e["source"] == "stop")
    assert stop["file"] == "crash.py" and stop["values"].get("text") == "'not a number'"
    assert report["hypotheses"]
    # the crash site is innermost: `parse`, whose argument the exception stop read
    assert report["hypotheses"][0]["locations"][0]["line"] == 5
    # crash.py runs its program when imported: no test can import `parse`, and it says so
    regression = report["regression"]
    assert regression["status"] == "cannot", regression
    assert "importing `crash`" in regression["reason"] and "__main__" in regression["reason"]


def test_a_crash_program_gets_a_regression_test_that_fails_until_the_fix(tmp_path: Path) -> None:
    program = REPO / "examples" / "failures" / "inventory_lookup.py"
    shutil.copy(program, tmp_path)
    (tmp_path / "tests").mkdir()
    result = smart_debug(
        "run", "--write-test", "tests/test_regression_lookup.py", "--",
        sys.executable, "inventory_lookup.py", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = report_of(tmp_path)
    assert report["failure"]["type"] == "KeyError"
    regression = report["regression"]
    assert regression["status"] == "written", regression
    assert (
        regression["function"] == "line_total" and "does not raise KeyError" in regression["reason"]
    )
    assert "KeyError" in regression["output"]
    test = tmp_path / regression["path"]
    assert "line_total(sku='widget-2', qty=1)" in test.read_text()
    # --write-test: the same test in the user's tree, importable from there
    mine = tmp_path / "tests" / "test_regression_lookup.py"
    assert regression["user_path"] == "tests/test_regression_lookup.py" and mine.is_file()
    assert pytest_on(mine, tmp_path).returncode == 1 and pytest_on(test, tmp_path).returncode == 1
    fixed = program.read_text().replace("PRICES[sku]", "PRICES[sku.upper()]")
    (tmp_path / "inventory_lookup.py").write_text(fixed)
    assert pytest_on(mine, tmp_path).returncode == 0
    # a second run never overwrites the user's file
    (tmp_path / "inventory_lookup.py").write_text(program.read_text())
    mine.write_text("# mine\n")
    again = smart_debug(
        "run", "--write-test", "tests/test_regression_lookup.py", "--",
        sys.executable, "inventory_lookup.py", cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0
    assert mine.read_text() == "# mine\n"
    assert "not overwritten" in report_of(tmp_path)["regression"]["reason"]


@pytest.mark.parametrize(
    "program, status, why",
    [
        ("limits.py", "discarded", "would pass on the buggy code"),
        ("shapes.py", "cannot", "`shape` is not a literal a test can hold"),
    ],
)
def test_no_regression_test_when_the_evidence_cannot_make_one(
    tmp_path: Path, program: str, status: str, why: str
) -> None:
    shutil.copy(PROGRAMS / "run" / program, tmp_path)
    result = smart_debug("run", "--", sys.executable, program, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    regression = report_of(tmp_path)["regression"]
    assert (regression["status"], regression["path"]) == (status, None), regression
    assert why in regression["reason"]
    assert not list((tmp_path / ".smart-debug" / "reports").glob("test_*.py"))
    assert f"regression test: {status}" in result.stdout


def test_a_hanging_program_is_paused_where_it_hangs(tmp_path: Path) -> None:
    shutil.copy(PROGRAMS / "run" / "hang.py", tmp_path)
    result = smart_debug("run", "--budget", "8", "--", sys.executable, "hang.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = report_of(tmp_path)
    assert report["failure"]["kind"] == "hang"
    paused = next(e for e in report["evidence"] if e["source"] == "stop")
    assert "wait_until_ready" in paused["observation"] or paused["line"]


def test_a_flooding_program_still_ends_with_a_report(tmp_path: Path) -> None:
    (tmp_path / "flood.py").write_text(
        (PROGRAMS / "run" / "flood.py")
        .read_text()
        .replace(
            'raise SystemExit("flooded and failed")', 'raise RuntimeError("flooded and failed")'
        )
    )
    result = smart_debug("run", "--", sys.executable, "flood.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    report = report_of(tmp_path)
    assert report["failure"]["type"] == "RuntimeError"
    assert len(json.dumps(report)) < 2_000_000


@pytest.mark.parametrize(
    "command, why",
    [
        (["nosuch.py"], "can't open file"),
        (["-m", "nosuchmodule"], "no module named 'nosuchmodule'"),
    ],
)
def test_a_program_that_does_not_start(tmp_path: Path, command: list[str], why: str) -> None:
    result = smart_debug("run", "--", sys.executable, *command, cwd=tmp_path)
    assert result.returncode == 4, result.stdout + result.stderr
    assert why in (result.stdout + result.stderr)


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert smart_debug("run", cwd=tmp_path).returncode == 2
    assert smart_debug("run", "--", "ls", "-l", cwd=tmp_path).returncode == 2
    assert smart_debug("verify", cwd=tmp_path).returncode == 2


def test_a_script_that_never_fails_exits_3(tmp_path: Path) -> None:
    (tmp_path / "fine.py").write_text("print('all good')\n")
    result = smart_debug("run", "--", sys.executable, "fine.py", cwd=tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr


def test_ctrl_c_mid_run_writes_the_report_and_leaves_no_process(tmp_path: Path) -> None:
    shutil.copy(PROGRAMS / "run" / "hang.py", tmp_path)
    _interrupt_run(
        ["--budget", "120", "--", sys.executable, "hang.py"],
        tmp_path,
        lambda c: (
            "hang.py" in c
            and "smart-debug" not in c
            and "-m" not in c
            or "hang.py" in c
            and "debugpy" in c
        ),
        "the program running under the debugger",
    )


def _interrupt_run(
    arguments: list[str], folder: Path, started: Callable[[str], bool], what: str
) -> None:
    """Ctrl-C a `run` once one of its processes' command lines is `started`: exit 130, the
    report says it was interrupted, and every process it had is gone."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [*CLI, "run", *arguments],
        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: any(started(cmdline(p)) for p in descendants(process.pid)), what=what)
        children = descendants(process.pid)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, out + err
    report = report_of(folder)
    assert report["interrupted"] is True and report["exit_code"] == 130
    assert_all_gone(children)


SLOW_TEST = """\
import time


def test_slow():
    time.sleep(60)  # keeps localize busy while the test is interrupted
"""


def test_ctrl_c_while_localize_works_and_the_session_waits(cart: Path) -> None:
    (cart / "tests" / "test_slow.py").write_text(SLOW_TEST)
    _interrupt_run(
        ["--", sys.executable, "-m", "pytest", "-q", "tests"],
        cart,
        lambda c: "debugpy" in c and "pytest" in c,
        "the session's pytest started under the debugger, waiting for localize",
    )


def test_html_report_renders_in_headless_chromium(cart: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is not installed: `make chromium-deps` installs it")
    result = smart_debug("run", "--", sys.executable, "-m", "pytest", "-q", "tests", cwd=cart)
    assert result.returncode == 0
    html = sorted((cart / ".smart-debug" / "reports").glob("*.html"))[-1]
    text = html.read_text()
    assert "<script" not in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
    ]  # fmt: skip
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "H1" in dom.stdout and "cart.py:28" in dom.stdout and "Timeline" in dom.stdout
    assert "<svg" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    shot = tmp_path / "report.png"
    subprocess.run(
        [chromium, *flags, "--window-size=1200,2000", f"--screenshot={shot}", html.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
