"""The extension in a real VS Code (code-server + Chromium): the user flows of a Smart Debug
Session, each leaving a screenshot in .cache/e2e/screenshots/."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from vscode_harness import CodeServer, code_server, free_port, make_workspace, marker_line

from tests.launch_templates import load_template

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

__all__ = ["code_server"]  # the fixture, imported for this module's tests

PROGRAM_EXIT_TIMEOUT = 30.0  # seconds: the example program finishing after the debugger left
OUTPUT = [
    "alice: pays 15.00 (saved 0.00)",
    "bob: pays 36.00 (saved 0.00)",
    "carol: pays 12.96 (saved 1.20)",
]


def test_run_and_debug_pauses_at_the_breakpoint_and_runs_to_the_end(
    code_server: CodeServer, tmp_path: Path
) -> None:
    folder = make_workspace(tmp_path)
    facts = code_server.run_flow(
        "launch-breakpoint",
        folder=str(folder),
        file="checkout.py",
        line=marker_line(folder / "checkout.py"),
        stops=["customer = 'alice'", "customer = 'bob'", "customer = 'carol'"],
        output=OUTPUT[-1],
    )
    first_stop = facts["variables"][0]
    assert "customer = 'alice'" in first_stop
    assert "items = [(2.5, 4), (1.25, 2)]" in first_stop
    # The proxy's smartDebug/ready event reached the extension: the status bar names the mode.
    assert facts["status"] == "Smart Debug: launch"
    for line in OUTPUT:
        assert line in facts["console"]
    # The language client fails soft while smart-debug has no `lsp`: one log line, no popup.
    log = code_server.extension_log()
    assert re.search(r"language server (started|not started: .* has no `lsp` command yet)", log), (
        log
    )
    assert f"debug adapter: {sys.executable} -m dap_proxy" in log
    assert facts["notifications"] == []


def test_localize_fills_the_hypotheses_view_and_a_suggestion_becomes_a_conditional_breakpoint(
    code_server: CodeServer, tmp_path: Path
) -> None:
    folder = make_workspace(tmp_path)
    facts = code_server.run_flow(
        "localize-hypotheses",
        folder=str(folder),
        file="cart.py",
        expected="H1 ",
        suggestion="cart.py:28 breakpoint if",
    )
    hypotheses = facts["hypotheses"]
    assert re.search(
        r"H1 \d+(\.\d)?% cart\.py:28 `if count > BULK_THRESHOLD:` is the fault", hypotheses
    ), hypotheses
    breakpoint = facts["breakpoint"]
    # The Breakpoints view lists it with its condition.
    assert (
        breakpoint["label"]
        == "cart.py 28, Condition: (count > BULK_THRESHOLD) != (count >= BULK_THRESHOLD)"
    )
    assert breakpoint["conditional"], breakpoint


def test_a_session_with_a_failure_shows_its_hypotheses_live_and_prints_the_injected_probes(
    code_server: CodeServer, tmp_path: Path
) -> None:
    configuration = {
        **load_template("current-file"),
        "name": "Smart Debug: Checkout, knowing the failure",
        "program": "${workspaceFolder}/checkout.py",
        "cwd": "${workspaceFolder}",
        "smartDebug": {"traceback": "${workspaceFolder}/failure.txt"},
    }
    folder = make_workspace(tmp_path, launch=[configuration])
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests"], cwd=folder, capture_output=True, text=True
    )
    assert tests.returncode == 1, tests.stdout
    (folder / "failure.txt").write_text(tests.stdout)
    facts = code_server.run_flow(
        "live-hypotheses",
        folder=str(folder),
        file="checkout.py",
        line=marker_line(folder / "checkout.py"),
        configuration=configuration["name"],
        stops=["customer = 'alice'", "customer = 'bob'", "customer = 'carol'"],
        expected="H1 ",
        output="[smart-debug] cart.py:28 H1",
        programOutput=OUTPUT[-1],
    )
    assert re.search(
        r"H1 \d+(\.\d)?% `count > BULK_THRESHOLD` at cart\.py:28", facts["hypotheses"]
    ), facts
    assert re.fullmatch(
        r"H1 \d+(\.\d)?% `count > BULK_THRESHOLD` at cart\.py:28 .*", facts["status"]
    ), facts
    # The probes the session injected (its smartDebug/suggestions event) are listed too.
    assert re.fullmatch(r"Suggested probes \(\d+\)", facts["probes"]), facts
    # The injected logpoint's values, labelled, next to the program's own output.
    assert "[smart-debug] cart.py:28 H1 · BULK_THRESHOLD=10, count=10" in facts["probeLines"]
    assert [line for line in facts["programLines"].splitlines() if line.strip()] == OUTPUT


def test_remote_attach_with_the_template_then_disconnect_leaves_the_program_running(
    code_server: CodeServer, tmp_path: Path
) -> None:
    port = free_port()
    configuration = load_template("remote-attach")
    configuration["connect"]["port"] = port
    folder = make_workspace(tmp_path, launch=[configuration])
    program = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "debugpy",
            "--listen",
            f"127.0.0.1:{port}",
            "--wait-for-client",
            "checkout.py",
        ],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        facts = code_server.run_flow(
            "remote-attach",
            folder=str(folder),
            file="checkout.py",
            line=marker_line(folder / "checkout.py"),
            configuration=configuration["name"],
            expected="customer = 'alice'",
        )
        assert "customer = 'alice'" in facts["variables"]
        assert facts["status"] == "Smart Debug: attach-connect"
        # After the disconnect the program goes on by itself: every cart is printed, exit 0.
        stdout, stderr = program.communicate(timeout=PROGRAM_EXIT_TIMEOUT)
        assert program.returncode == 0, stderr
        assert stdout.splitlines() == OUTPUT
    finally:
        if program.poll() is None:
            program.kill()
            program.wait()


def _python_without_smart_debug(folder: Path) -> Path:
    """A real Python that cannot import smart-debug: no site-packages, no current directory."""
    python = folder / "bare-python"
    python.write_text(f'#!/bin/sh\nexec {sys.base_prefix}/bin/python3 -I -S "$@"\n')
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    assert subprocess.run([python, "-c", "import dap_proxy"], capture_output=True).returncode != 0
    return python


def test_launch_mistakes_show_a_readable_error_and_start_no_session(
    code_server: CodeServer, tmp_path: Path
) -> None:
    missing = {
        "name": "Smart Debug: Missing Program",
        "type": "smart-debug",
        "request": "launch",
        "program": "${workspaceFolder}/no_such_program.py",
        "console": "internalConsole",
    }
    program_folder = make_workspace(tmp_path / "missing", launch=[missing])
    bare = _python_without_smart_debug(tmp_path)
    run_checkout = {
        **load_template("current-file"),
        "name": "Smart Debug: Checkout",
        "program": "${workspaceFolder}/checkout.py",
    }
    interpreter_folder = make_workspace(tmp_path / "bare", python=str(bare), launch=[run_checkout])
    facts = code_server.run_flow(
        "launch-errors",
        cases=[
            {
                "name": "missing-program",
                "file": "checkout.py",
                "folder": str(program_folder),
                "configuration": missing["name"],
                "pattern": "does not exist",
            },
            {
                "name": "no-smart-debug",
                "file": "checkout.py",
                "folder": str(interpreter_folder),
                "configuration": run_checkout["name"],
                "pattern": "is not installed",
            },
        ],
    )
    by_name = {case["name"]: case for case in facts["messages"]}
    missing_case, bare_case = by_name["missing-program"], by_name["no-smart-debug"]
    assert (
        f"the program {program_folder}/no_such_program.py does not exist" in missing_case["message"]
    )
    assert f"smart-debug is not installed for {bare}" in bare_case["message"]
    assert f"Install it with: {bare} -m pip install smart-debug" in bare_case["message"]
    assert not missing_case["debugging"] and not bare_case["debugging"]
