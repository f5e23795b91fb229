"""`smart-debug triage` end to end: a real failing program's traceback (and real pytest output) is
pasted into the real CLI, as FILE, '-' or stdin, in the workspace it came from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dap_helpers import ratings_failure

from tests.conftest import EVENT_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_KEYS = {"file", "line", "score", "kind", "reason"}
OPTIONAL_KEYS = {"condition", "log_message", "hit_condition", "hypothesis"}
KINDS = {"breakpoint", "logpoint", "conditional", "hit_count"}


def _triage(
    cwd: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dap_proxy.cli", "triage", *args],
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
        env=env,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the example failures with the real traceback of ratings.py in failure.txt."""
    ws = tmp_path / "ws"
    (ws / "failure.txt").write_text(ratings_failure(ws))
    return ws


def test_json_from_file_has_context_strategy_hypotheses_and_contract_suggestions(
    workspace: Path,
) -> None:
    done = _triage(workspace, "--json", "--no-store", "failure.txt")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    context = out["context"]
    assert context["exception_type"] == "ZeroDivisionError"
    inner = context["failure"]["exceptions"][-1]["frames"][-1]
    assert (
        Path(inner["workspace_path"]) == (workspace / "ratings.py").resolve() and inner["line"] == 7
    )
    assert [s["name"] for s in out["strategy"]["top"]] == ["interactive", "time_travel"]
    hypotheses = out["hypotheses"]
    assert 3 <= len(hypotheses) <= 5
    assert hypotheses[0]["pattern"] == "division_by_zero"
    assert "`count`" in hypotheses[0]["statement"] and "ratings.py:7" in hypotheses[0]["statement"]
    total = sum(h["probability"] for h in hypotheses)
    assert total + out["other_probability"] == pytest.approx(100, abs=0.1)
    suggestions = out["suggestions"]
    assert suggestions and suggestions[0]["file"] == "ratings.py"
    for s in suggestions:
        assert CONTRACT_KEYS <= set(s) <= CONTRACT_KEYS | OPTIONAL_KEYS
        assert (
            s["kind"] in KINDS and isinstance(s["line"], int) and not Path(s["file"]).is_absolute()
        )
    assert [s["score"] for s in suggestions] == sorted(
        (s["score"] for s in suggestions), reverse=True
    )
    assert any(s.get("condition") == "count == 0" for s in suggestions)


def test_stdin_and_dash_read_the_same_text(workspace: Path) -> None:
    text = (workspace / "failure.txt").read_text()
    from_file = json.loads(_triage(workspace, "--json", "--no-store", "failure.txt").stdout)
    from_stdin = json.loads(_triage(workspace, "--json", "--no-store", stdin=text).stdout)
    from_dash = json.loads(_triage(workspace, "--json", "--no-store", "-", stdin=text).stdout)
    statements = [h["statement"] for h in from_file["hypotheses"]]
    assert statements == [h["statement"] for h in from_stdin["hypotheses"]]
    assert statements == [h["statement"] for h in from_dash["hypotheses"]]


def test_human_report(workspace: Path) -> None:
    done = _triage(workspace, "--no-store", "failure.txt")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for expected in (
        "ZeroDivisionError",
        "ratings.py:7",
        "Strategy",
        "interactive",
        "Hypotheses",
        "H1",
        "█",
        "division_by_zero",
        "count == 0",
        "refuted if",
    ):
        assert expected in out, expected


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--json"], "", "empty"),
        (["--json"], "hello, everything is fine here\n", "nothing recognisable"),
        (["--json", "missing.txt"], None, "cannot read missing.txt"),
    ],
    ids=["empty", "unrecognisable", "missing-file"],
)
def test_bad_input_json_is_an_error_object_exit_2(
    workspace: Path, args: list[str], stdin: str | None, message: str
) -> None:
    done = _triage(workspace, *args, stdin=stdin)
    assert done.returncode == 2
    assert message in json.loads(done.stdout)["error"]
    assert "Traceback" not in done.stderr


def test_bad_input_human_is_a_clear_message_exit_2(workspace: Path) -> None:
    done = _triage(workspace, stdin="   \n")
    assert done.returncode == 2
    assert (
        "smart-debug triage: the input is empty" in done.stderr and "Traceback" not in done.stderr
    )


def test_store_records_the_triage_and_finds_it_next_time(workspace: Path) -> None:
    first = json.loads(_triage(workspace, "--json", "failure.txt").stdout)
    assert first["session_id"] is not None and first["similar_sessions"] == []
    assert (workspace / ".smart-debug" / "smart-debug.db").is_file()
    second = json.loads(_triage(workspace, "--json", "failure.txt").stdout)
    assert first["session_id"] in [s["session_id"] for s in second["similar_sessions"]]
    human = _triage(workspace, "failure.txt").stdout
    assert "Seen before" in human and f"#{first['session_id']}" in human


def test_ai_without_a_key_says_so_and_keeps_the_offline_hypotheses(workspace: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    offline = json.loads(_triage(workspace, "--json", "--no-store", "failure.txt", env=env).stdout)
    with_ai = json.loads(
        _triage(
            workspace, "--json", "--no-store", "--ai", "anthropic", "failure.txt", env=env
        ).stdout
    )
    assert any("no API key" in n for n in with_ai["notes"])
    assert [h["statement"] for h in with_ai["hypotheses"]] == [
        h["statement"] for h in offline["hypotheses"]
    ]


def test_pytest_output_of_the_demo_cart_points_at_the_boundary(tmp_path: Path) -> None:
    ws = tmp_path / "cart"
    shutil.copytree(ROOT / "examples" / "shopping_cart", ws)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_cart.py"],
        cwd=ws,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT,
    )
    assert run.returncode == 1, run.stdout
    out = json.loads(_triage(ws, "--json", "--no-store", stdin=run.stdout).stdout)
    assert out["context"]["failing_test"].startswith(
        "tests/test_cart.py::test_bulk_discount_from_threshold"
    )
    top = out["hypotheses"][0]
    assert top["pattern"] == "off_by_one"
    assert "`count > BULK_THRESHOLD` at cart.py:" in top["statement"] and ">=" in top["statement"]
    assert out["suggestions"][0]["file"] == "cart.py"
    assert out["suggestions"][0].get("condition") == "count == BULK_THRESHOLD"
