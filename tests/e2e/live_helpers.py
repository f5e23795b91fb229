"""Helpers for the live-session tests: a scratch copy of a program or the bundled example, a full
launch through the proxy (`python -m dap_proxy`, or `--plain` for the proxy without its rooms)
that runs the program to its end while it records what the editor saw, and readers for the
`smartDebug/*` events."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import EVENT_TIMEOUT, wait_for
from dap_helpers import REPO, initialize, spawn_proxy

from dap_proxy.wire.client import DapClient

EXAMPLE = REPO / "examples" / "shopping_cart"
RUN_TIMEOUT = 60.0  # seconds: one short program run to its end under the debugger

Seen = dict[str, Any]


def copy_example(tmp_path: Path) -> Path:
    """The bundled example in a scratch folder, with its failing tests' output in failure.txt."""
    root = tmp_path / "shop"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".smart-debug", "__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert done.returncode == 1, done.stdout
    (root / "failure.txt").write_text(done.stdout)
    return root


def write_program(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(source)
    return path


@dataclass
class Run:
    """What the editor saw of one session."""

    client: DapClient
    set_breakpoints: list[dict[str, Any]] = field(default_factory=list)
    stops: list[dict[str, Any]] = field(default_factory=list)

    def events(self, name: str) -> list[dict[str, Any]]:
        return [e for e in list(self.client.events) if e["event"] == name]

    def bodies(self, name: str) -> list[dict[str, Any]]:
        return [e.get("body") or {} for e in self.events(name)]

    def output(self, *categories: str) -> str:
        """What was written in these categories, logpoints' output apart (debugpy does not keep
        its order relative to the program's own output)."""
        return "".join(
            b.get("output", "")
            for b in self.bodies("output")
            if b.get("category") in categories and "source" not in b
        )

    def last(self, name: str) -> dict[str, Any]:
        found = self.bodies(name)
        assert found, f"no {name} event among {[e['event'] for e in self.client.events]}"
        return found[-1]


def debug(
    program: Path,
    breakpoints: Mapping[Path, list[dict[str, Any]]] | None = None,
    *,
    plain: bool = False,
    extra: Mapping[str, Any] | None = None,
    before_configuration: Callable[[DapClient], None] | None = None,
    at_stop: Callable[[DapClient, dict[str, Any]], None] | None = None,
    exception_filters: tuple[str, ...] = (),
    proxy_args: tuple[str, ...] = (),
) -> Run:
    """Launch `program` through the proxy, continue at every stop (calling `at_stop` first), and
    return once the session terminated and the proxy exited."""
    client = spawn_proxy(*(("--plain",) if plain else ()), *proxy_args)
    run = Run(client)
    with client:
        initialize(client)
        arguments = {
            "program": str(program),
            "cwd": str(program.parent),
            "console": "internalConsole",
            "justMyCode": True,
            **(extra or {}),
        }
        launch = client.send_request("launch", arguments)
        client.wait_event("initialized", timeout=RUN_TIMEOUT)
        for path, items in (breakpoints or {}).items():
            answer = client.request(
                "setBreakpoints", {"source": {"path": str(path)}, "breakpoints": items}, check=True
            )
            run.set_breakpoints.append(answer["body"])
        client.request("setExceptionBreakpoints", {"filters": list(exception_filters)}, check=True)
        if before_configuration is not None:
            before_configuration(client)
        client.request("configurationDone", check=True)
        client.wait_response(launch, timeout=RUN_TIMEOUT, check=True)
        while True:
            wait_for(
                lambda: run.events("terminated") or len(run.events("stopped")) > len(run.stops),
                RUN_TIMEOUT,
                "a stop or the end of the program",
            )
            if len(run.events("stopped")) > len(run.stops):
                stopped = run.events("stopped")[len(run.stops)]
                run.stops.append(stopped["body"])
                if at_stop is not None:
                    at_stop(client, stopped["body"])
                client.request("continue", {"threadId": stopped["body"]["threadId"]}, check=True)
                continue
            break
        client.request("disconnect", {}, timeout=RUN_TIMEOUT)
    return run  # closing the connection ended the proxy (the editor's way), store writes done


def hypothesis_about(body: dict[str, Any], file: str, line: int) -> dict[str, Any]:
    """The hypothesis of a `smartDebug/hypotheses` body located at file:line."""
    for h in body["hypotheses"]:
        if any(loc["file"].endswith(file) and loc["line"] == line for loc in h["locations"]):
            return h
    raise AssertionError(f"no hypothesis about {file}:{line} in {body['hypotheses']}")
