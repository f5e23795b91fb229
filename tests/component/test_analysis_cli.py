"""`smart-debug analyze` end to end: the real console entry point in a subprocess for the exit
codes and stderr, the in-process `main` for the human table and the JSON shape."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dap_proxy.cli import main

DATA = Path(__file__).parent.parent / "data" / "analysis"
PROCESS_TIMEOUT = 60  # seconds: one CLI run on a few small files


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("shop.py", "guards.py", "handlers.js", "service.ts"):
        shutil.copy(DATA / name, tmp_path / name)
    for skipped in (".venv", "node_modules", "__pycache__", ".git"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "hidden.py").write_text("def hidden():\n    return 1\n")
    (tmp_path / "notes.txt").write_text("not code")
    return tmp_path


def run_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "analyze", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
    )


def test_json_walks_directories_and_skips_tool_folders(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["analyze", ".", "--json", "--limit", "2"]) == 0
    report = json.loads(capsys.readouterr().out)
    paths = sorted(Path(f["path"]).name for f in report["files"])
    assert paths == ["guards.py", "handlers.js", "service.ts", "shop.py"]
    shop = next(f for f in report["files"] if f["path"].endswith("shop.py"))
    assert shop["language"] == "python" and shop["facts"]["boundary"] == 1
    assert 0 < len(shop["probes"]) <= 2
    probe = shop["probes"][0]
    assert {"kind", "line", "reason", "score", "facts", "log_message"} <= set(probe)
    assert report["errors"] == []


KINDS = {"breakpoint", "logpoint", "conditional", "hit_count"}


def test_human_output_lists_probes_per_file(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert main(["analyze", "shop.py", "handlers.js"]) == 0
    out = capsys.readouterr().out
    assert "shop.py (python" in out and "handlers.js (javascript" in out
    assert "[smart-debug]" in out  # printed literally, not eaten as markup
    # one line per probe (score, kind, line, the probe), its reason on the next
    probe_lines = re.findall(r"^  (\d\.\d\d)  (\w+) +line (\d+)  \S", out, re.M)
    assert probe_lines and all(kind in KINDS for _, kind, _ in probe_lines)
    assert "decision node: the values it tests" in out


def test_bad_path_is_reported_and_the_rest_still_analysed(project: Path) -> None:
    result = run_cli("missing.py", "notes.txt", "shop.py", "--json", cwd=project)
    assert result.returncode == 1
    assert "missing.py: no such file or directory" in result.stderr
    assert "notes.txt: not a Python, JavaScript or TypeScript file" in result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in report["files"]] == ["shop.py"]


def test_traceback_from_stdin_ranks_probes_for_the_failure(project: Path) -> None:
    lines = (project / "shop.py").read_text().splitlines()
    crash = next(i for i, t in enumerate(lines, 1) if "return total / count" in t)
    call = next(i for i, t in enumerate(lines, 1) if "cart.average(" in t)
    traceback = (
        "Traceback (most recent call last):\n"
        f'  File "shop.py", line {call}, in main\n'
        "    print(cart.average(discount=random.random()))\n"
        f'  File "shop.py", line {crash}, in average\n'
        "    return total / count\n"
        "ZeroDivisionError: float division by zero\n"
    )
    result = run_cli(".", "--traceback", "-", "--json", cwd=project, stdin=traceback)
    assert result.returncode == 0, result.stderr
    failure = json.loads(result.stdout)["failure"]
    assert failure["exception"] == "ZeroDivisionError: float division by zero"
    assert failure["probes"][0]["line"] == crash
    assert failure["probes"][0]["kind"] == "logpoint"


def test_unreadable_traceback_file_is_a_clear_error(project: Path) -> None:
    result = run_cli("shop.py", "--traceback", "nope.txt", cwd=project)
    assert result.returncode == 1
    assert "--traceback nope.txt: cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_binary_file_is_skipped_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02binary")
    monkeypatch.chdir(tmp_path)
    assert main(["analyze", "blob.py"]) == 0
    assert "skipped, binary file" in capsys.readouterr().out
