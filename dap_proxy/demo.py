"""`smart-debug demo` (what `make demo` runs): the whole loop on the bundled example, for real,
offline, in a scratch copy of it (the repository is never written).

1. A debug session of examples/shopping_cart/checkout.py through the proxy (`python -m dap_proxy`)
   and a real debugpy: a breakpoint, a logpoint the analysis engine proposes, stack and variables.
2. `smart-debug run` on its failing tests: localize's experiments, then a session through the
   proxy that tests localize's hypotheses on the failing tests only (predictions, a few probes,
   the suspect function's arguments); the hypotheses with the values seen, the report's path.
3. The regression test written from those arguments, run on the buggy code: it fails.
4. The fixed twin (examples/shopping_cart_fixed/cart.py) copied in, then `smart-debug verify`.
5. `smart-debug history`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from dap_proxy.demo_command import EXAMPLE

FIXED = EXAMPLE.parent / "shopping_cart_fixed"
SESSION_TIMEOUT = 60.0  # seconds: one DAP response or event in the demo session
STEP_TIMEOUT = 300.0  # seconds: triage or localize as a whole


def run_demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console()
    example = Path(args.example).resolve()
    if not (example / "checkout.py").is_file():
        console.print(f"[red]No example at {example}: expected checkout.py and tests/ there.")
        return 2
    status = _debug_session(console, example)
    with tempfile.TemporaryDirectory(prefix="smart-debug-demo-") as scratch:
        workspace = Path(scratch) / example.name
        shutil.copytree(
            example,
            workspace,
            ignore=shutil.ignore_patterns(".smart-debug", "__pycache__", ".pytest_cache"),
        )
        status = _loop(console, workspace) or status
    return status


def _marker_line(path: Path, marker: str = "# @bp") -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if marker in line:
            return number
    raise LookupError(f"no {marker!r} marker in {path}")


def _decision_logpoint(cart: Path) -> dict[str, object]:
    """The analysis engine's best logpoint on a decision node of the example's `discount`."""
    from dap_proxy.analysis.models import FactKind, ProbeKind
    from dap_proxy.analysis.probes import probes_for_file

    for probe in probes_for_file(cart, limit=50):
        decision = any(fact.kind is FactKind.DECISION for fact in probe.facts)
        if probe.kind is ProbeKind.LOGPOINT and probe.log_message and decision:
            return {"line": probe.line, "logMessage": probe.log_message, "why": probe.reason}
    raise LookupError(f"the analysis engine proposed no decision logpoint in {cart}")


def _debug_session(console, example: Path) -> int:
    from rich.markup import escape
    from rich.table import Table

    from dap_proxy.wire.client import DapClient

    program = example / "checkout.py"
    cart = example / "cart.py"
    line = _marker_line(program)
    logpoint = _decision_logpoint(cart)
    console.rule("[bold]1. Debug session: editor -> smart-debug dap -> debugpy")
    console.print(f"program     {program.relative_to(example.parent.parent)}")
    console.print(f"breakpoint  checkout.py:{line}")
    console.print(
        f"logpoint    cart.py:{logpoint['line']}  {escape(str(logpoint['logMessage']))}  "
        f"[dim](proposed by the analysis engine: {escape(str(logpoint['why']))})"
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    client = DapClient.spawn([sys.executable, "-m", "dap_proxy"], env=env, cwd=str(example))
    try:
        client.request("initialize", {"adapterID": "smart-debug", "pathFormat": "path"}, check=True)
        launch = client.send_request(
            "launch",
            {"program": str(program), "cwd": str(example), "console": "internalConsole"},
        )
        client.wait_event("initialized", timeout=SESSION_TIMEOUT)
        client.request(
            "setBreakpoints",
            {"source": {"path": str(program)}, "breakpoints": [{"line": line}]},
            check=True,
        )
        client.request(
            "setBreakpoints",
            {
                "source": {"path": str(cart)},
                "breakpoints": [{"line": logpoint["line"], "logMessage": logpoint["logMessage"]}],
            },
            check=True,
        )
        client.request("configurationDone", check=True)
        client.wait_response(launch, timeout=SESSION_TIMEOUT, check=True)
        ready = client.wait_event("smartDebug/ready", timeout=SESSION_TIMEOUT)
        console.print(f"proxy ready {ready.get('body')}")
        table = Table("stop", "where", "customer", "items")
        for stop in range(1, 4):
            stopped = client.wait_event("stopped", timeout=SESSION_TIMEOUT)
            thread = stopped["body"]["threadId"]
            frames = client.request("stackTrace", {"threadId": thread}, check=True)["body"]
            top = frames["stackFrames"][0]
            values = _locals(client, top["id"])
            where = f"{Path(top['source']['path']).name}:{top['line']} in {top['name']}"
            table.add_row(str(stop), where, values.get("customer", "?"), values.get("items", "?"))
            client.request("continue", {"threadId": thread}, check=True)
        client.wait_event("terminated", timeout=SESSION_TIMEOUT)
        console.print(table)
        exited = client.wait_event("exited", timeout=SESSION_TIMEOUT)
        # A logpoint's message arrives as one stdout event with an empty `source`; the program's
        # own stdout comes in chunks that need not follow line breaks: keep the two apart.
        stdout = [
            e["body"]
            for e in client.events
            if e["event"] == "output" and e["body"].get("category") == "stdout"
        ]
        logged = "".join(body["output"] for body in stdout if "source" in body)
        printed = "".join(body["output"] for body in stdout if "source" not in body)
        console.print("[bold]logpoint output:")
        for text in logged.splitlines():
            console.print(f"  {text}", markup=False, highlight=False)
        console.print("[bold]program output:")
        for text in printed.splitlines():
            console.print(f"  {text}", markup=False, highlight=False)
        console.print(f"exit code {exited['body']['exitCode']}")
        client.request("disconnect", {}, timeout=SESSION_TIMEOUT)
    finally:
        client.close()
    return 0


def _locals(client, frame_id: int) -> dict[str, str]:
    scopes = client.request("scopes", {"frameId": frame_id}, check=True)["body"]["scopes"]
    scope = scopes[0]
    variables = client.request(
        "variables", {"variablesReference": scope["variablesReference"]}, check=True
    )["body"]["variables"]
    return {v["name"]: v["value"] for v in variables}


def _cli(*args: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from dap_proxy.cli import main; sys.exit(main())",
        *args,
    ]


def _step(console, title: str, *args: str, cwd: Path) -> int:
    console.rule(f"[bold]{title}")
    console.print(f"$ smart-debug {' '.join(args)}")
    result = subprocess.run(_cli(*args), cwd=cwd, text=True, timeout=STEP_TIMEOUT)
    return result.returncode


def _loop(console, workspace: Path) -> int:
    from dap_proxy.workflow.testrun import failure_lines

    tests = ("--", sys.executable, "-m", "pytest", "-q", "tests")
    code = _step(
        console, "2. Run: experiments, then the live session", "run", *tests, cwd=workspace
    )
    if code != 0:
        return code
    reports = sorted((workspace / ".smart-debug" / "reports").glob("*.json"))
    report = json.loads(reports[-1].read_text()) if reports else {}
    console.rule("[bold]3. The regression test from the evidence")
    regression = report.get("regression") or {}
    if regression.get("status") == "written":
        path = workspace / regression["path"]
        body = path.read_text().split("\n\n\ndef ", 1)[-1]
        console.print(f"{regression['path']}:", markup=False, highlight=False)
        for line in f"def {body}".rstrip().splitlines():
            console.print(f"  {line}", markup=False, highlight=False)
        console.print(f"$ python -m pytest -q {regression['path']}   (on the buggy code)")
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short", "-rN",
             str(path)],
            cwd=workspace, capture_output=True, text=True, timeout=STEP_TIMEOUT,
            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        )  # fmt: skip
        for line in failure_lines(result.stdout.strip().splitlines()):
            console.print(f"  {line}", markup=False, highlight=False)
        console.print(f"exit code {result.returncode} (it fails on the bug, as it must)")
    else:
        console.print(f"no regression test: {regression.get('reason', 'none')}", markup=False)
    console.rule("[bold]4. The fix: the example's fixed twin, verified")
    shutil.copy(FIXED / "cart.py", workspace / "cart.py")
    console.print("cart.py:28  `if count > BULK_THRESHOLD:` -> `if count >= BULK_THRESHOLD:`")
    code = _step(console, "verify", "verify", cwd=workspace)
    _step(console, "5. History of this workspace", "history", "--limit", "5", cwd=workspace)
    return code
