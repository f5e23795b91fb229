"""What `smart-debug` loads before a subcommand runs: every subcommand is registered, but only the
one that runs imports its work, so `--help` and a short `smart-debug analyze FILE` start fast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import EVENT_TIMEOUT

# The work of other subcommands, and what only they need (subprocesses, sockets).
NOT_FOR_ANALYZE = (
    "dap_proxy.demo",
    "dap_proxy.proxy.network",
    "dap_proxy.proxy.session",
    "lsp.server",
    "dap_proxy.hypotheses.engine",
    "dap_proxy.experiments.localize",
    "subprocess",
)


def loaded_after(code: str) -> set[str]:
    probe = f"import json, sys; {code}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=EVENT_TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_parser_registers_every_subcommand_without_their_work() -> None:
    loaded = loaded_after("from dap_proxy.cli import build_parser; build_parser().format_help()")
    assert not loaded.intersection({*NOT_FOR_ANALYZE, "socket"})
    assert not any(m.startswith("dap_proxy.analysis.") and m != "dap_proxy.analysis.command"
                   for m in loaded)  # fmt: skip


def test_analyze_loads_only_the_analysis(tmp_path: Path) -> None:
    source = tmp_path / "one.py"
    source.write_text("x = 1\n")
    loaded = loaded_after(f"from dap_proxy.cli import main; main(['analyze', {str(source)!r}])")
    assert "dap_proxy.analysis.report" in loaded
    assert not loaded.intersection(NOT_FOR_ANALYZE)


def test_demo_is_registered_and_its_help_names_the_bundled_example() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "demo", "--help"],
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert "the bundled shopping cart" in " ".join(done.stdout.split())
