"""The extension in a real VS Code (code-server + Chromium): the user flows of a Smart Debug
Session, each leaving a screenshot in .cache/e2e/screenshots/."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from vscode_harness import (
    REPO,
    CodeServer,
    code_server,
    free_port,
    make_workspace,
    marker_line,
)

from dap_proxy.evidence.store import Store
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
    # The language server started on checkout.py and took the client's initializationOptions
    # without a word (a bad option would be a notification).
    log = code_server.extension_log()
    assert f"language server started: {sys.executable} -m dap_proxy.cli lsp" in log, log
    assert f"debug adapter: {sys.executable} -m dap_proxy" in log
    assert facts["notifications"] == []


def _record_the_failure(folder: Path) -> None:
    """What a user does before debugging: run the tests, triage their failure (recorded in the
    workspace's .smart-debug/ store, which the language server ranks its suggestions by)."""
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests"], cwd=folder, capture_output=True, text=True
    )
    assert tests.returncode == 1, tests.stdout
    (folder / "failure.txt").write_text(tests.stdout)
    triage = subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "triage", "failure.txt"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert triage.returncode == 0, triage.stderr
    assert (folder / ".smart-debug").is_dir()


def test_code_lenses_accepted_become_breakpoints_that_the_next_session_uses(
    code_server: CodeServer, tmp_path: Path
) -> None:
    configuration = {
        **load_template("current-file"),
        "name": "Smart Debug: Checkout",
        "program": "${workspaceFolder}/checkout.py",
        "cwd": "${workspaceFolder}",
        # No probes of the session's own: what prints is the editor's accepted logpoint.
        "smartDebug": {"autoLogpoints": 0},
    }
    folder = make_workspace(tmp_path, launch=[configuration])
    _record_the_failure(folder)
    cart = (folder / "cart.py").read_text().splitlines()
    decision = cart.index("    if count > BULK_THRESHOLD:") + 1
    conditional = "Smart Debug: breakpoint if count == BULK_THRESHOLD"
    logpoint = "Smart Debug: logpoint items={items} · entry of discount"
    facts = code_server.run_flow(
        "accept-lenses",
        folder=str(folder),
        file="cart.py",
        line=decision,
        accept=[conditional, logpoint],
        hypothesis="H1 ",
        configuration=configuration["name"],
        # discount() runs twice per cart (checkout.py and total()); only bob's has 10 items.
        stops=[
            {"pane": "Variables", "text": "count = 10"},
            {"pane": "Call Stack", "text": "total"},
        ],
        output="[smart-debug] discount:27: items=[(1.0, 12)]",
        filter="[smart-debug] discount:27",
    )
    # The suspect lines' lenses: the failure's own suggestion on the decision (it tests H1), the
    # analysis' logpoint at the function's entry, H1 above the function, each with its commands.
    assert f"{conditional} · tests H1 · 0.85 | Accept | Dismiss" in facts["before"], facts
    assert any(
        re.fullmatch(rf"{re.escape(logpoint)} · 0\.\d\d \| Accept \| Dismiss", t)
        for t in facts["before"]
    ), facts
    assert any(
        re.fullmatch(r"H1 \d+% · off-by-one .* \| Show evidence", t) for t in facts["before"]
    )
    accepted = conditional.replace("Smart Debug: ", "Smart Debug: accepted ")
    assert any(t.startswith(f"{accepted} · tests H1") for t in facts["after"]), facts
    # The Breakpoints view lists both, with the condition and the log message kept.
    by_label = {b["label"]: b for b in facts["breakpoints"]}
    assert set(by_label) == {
        f"cart.py {decision}, Condition: count == BULK_THRESHOLD",
        f"cart.py {decision - 1}, Log Message: [smart-debug] discount:27: items={{items}}",
    }, facts
    assert by_label[f"cart.py {decision}, Condition: count == BULK_THRESHOLD"]["conditional"]
    # Show evidence: the server's markdown for H1, in a preview named after it.
    assert facts["evidence"]["tab"].startswith("Preview Evidence for H1 (session 1)"), facts
    evidence = facts["evidence"]["text"]
    assert re.match(r"H1 \d+(\.\d)?% · untested\n", evidence), evidence
    # Rendered: the markdown's code spans are no longer backticks.
    assert (
        "Evidence for" in evidence
        and "count > BULK_THRESHOLD at cart.py:28 in discount" in evidence
    )
    # The next session printed the logpoint's values for every cart (twice each: discount() runs in
    # checkout.py and in total()), in order (a row the filter shows may hold a print's text too).
    printed = [line for line in facts["console"].splitlines() if "[smart-debug]" in line]
    carts = ["[(2.5, 4), (1.25, 2)]", "[(3.0, 10)]", "[(1.0, 12)]"]
    assert printed == [f"[smart-debug] discount:27: items={c}" for c in carts for _ in (1, 2)]
    # Accepting was recorded in the workspace's store (later sessions of any editor inject it).
    store = Store.open(folder)
    try:
        accepted_lines = sorted(d.line for d in store.probe_decisions(status="accepted"))
        assert accepted_lines == [decision - 1, decision]
    finally:
        store.close()


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
    assert [line for line in facts["programLines"].splitlines() if "pays" in line] == OUTPUT


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
                # The message's button sets smartDebug.python; the same configuration then runs.
                "fix": {
                    "button": "Use This Interpreter",
                    "confirmation": "smartDebug.python is now",
                    "output": OUTPUT[-1],
                },
            },
        ],
    )
    by_name = {case["name"]: case for case in facts["messages"]}
    missing_case, bare_case = by_name["missing-program"], by_name["no-smart-debug"]
    assert (
        f"the program {program_folder}/no_such_program.py does not exist" in missing_case["message"]
    )
    assert not missing_case["debugging"] and not bare_case["debugging"]
    # It names the interpreter tried and the one that has smart-debug: the checkout's .venv,
    # where `make setup` installed it (smart-debug is not on PyPI).
    venv = REPO / ".venv" / "bin" / "python"
    assert (
        f"smart-debug is not installed for {bare} (from the setting smartDebug.python)"
        in (bare_case["message"])
    )
    assert (
        f'{venv} has it (made by `make setup` in {REPO}): set "smartDebug.python" to it.'
        in (bare_case["message"])
    ), bare_case
    assert "Use This Interpreter" in bare_case["message"]  # the button
    settings = json.loads((interpreter_folder / ".vscode" / "settings.json").read_text())
    assert settings["smartDebug.python"] == str(venv)
    assert OUTPUT[-1] in bare_case["console"]
