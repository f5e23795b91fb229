"""`smart-debug demo` (what `make demo` runs): the main job on the bundled example, for real.

1. A debug session of examples/shopping_cart/checkout.py through the proxy (`python -m dap_proxy`)
   and a real debugpy: a breakpoint, a logpoint the analysis engine proposes, stack and variables.
2. `smart-debug triage` on the failing test output of the same example.
3. `smart-debug localize` on its tests: the faulty line, found by experiments.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "shopping_cart"
SESSION_TIMEOUT = 60.0  # seconds: one DAP response or event in the demo session
STEP_TIMEOUT = 300.0  # seconds: triage or localize as a whole


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the main job on the bundled shopping-cart example (debug session, triage, "
        "localize)",
        description="Debug the bundled example through the proxy and a real debugpy, then "
        "triage and localize its bug.",
    )
    parser.add_argument(
        "--example",
        default=str(EXAMPLE),
        help="example folder (default: the bundled shopping cart)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console()
    example = Path(args.example).resolve()
    if not (example / "checkout.py").is_file():
        console.print(f"[red]No example at {example}: expected checkout.py and tests/ there.")
        return 2
    status = _debug_session(console, example)
    for step in (_triage, _localize):
        status = step(console, example) or status
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


def _triage(console, example: Path) -> int:
    console.rule("[bold]2. Triage: the failing tests' output -> hypotheses and probes")
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=example,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    failed = re.findall(r"^FAILED .*$", tests.stdout, flags=re.MULTILINE)
    console.print(f"$ python -m pytest -q tests   -> exit {tests.returncode}")
    for line in failed:
        console.print(f"  {line}", markup=False, highlight=False)
    console.print("$ smart-debug triage < pytest-output.txt")
    result = subprocess.run(
        _cli("triage", "-"),
        cwd=example,
        input=tests.stdout,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    return 0 if result.returncode == 0 else result.returncode


def _localize(console, example: Path) -> int:
    console.rule("[bold]3. Localize: experiments find the faulty line")
    console.print("$ smart-debug localize --top 5 -- python -m pytest -q tests")
    result = subprocess.run(
        _cli("localize", "--top", "5", "--", sys.executable, "-m", "pytest", "-q", "tests"),
        cwd=example,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    return 0 if result.returncode == 0 else result.returncode
