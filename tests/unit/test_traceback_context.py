"""extract_environment: the facts an issue states, and none that its traceback's code suggests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dap_proxy.analysis.failure_context import EnvironmentFacts, extract_environment
from dap_proxy.analysis.traceback import strip_failures

DATA = Path(__file__).resolve().parent.parent / "data" / "tracebacks"


def test_issue_with_a_pasted_traceback() -> None:
    facts = extract_environment((DATA / "issue_with_traceback.txt").read_text())
    assert facts.python_version == "3.11.7"
    assert (facts.os, facts.os_version) == ("ubuntu", "22.04")
    assert facts.environments == ["production", "staging"]
    assert facts.container
    assert facts.intermittent and facts.under_load and facts.only_in_production
    assert facts.regression
    assert not facts.concurrency and not facts.timing
    assert "under load" in facts.hints
    assert "never saw it on staging" in facts.hints  # across a line break, as written


@pytest.mark.parametrize(
    "name,python,node",
    [
        ("pytest_tb_auto.txt", "3.11.7", None),  # `platform linux -- Python 3.11.7`
        ("py_stdlib.txt", "3.11", None),  # from the stdlib path in a frame
        ("node_async.txt", None, "20.20.2"),  # `Node.js v20.20.2`
    ],
)
def test_versions_from_tool_output(name: str, python: str | None, node: str | None) -> None:
    facts = extract_environment((DATA / name).read_text())
    assert (facts.python_version, facts.node_version) == (python, node)


@pytest.mark.parametrize(
    "name", ["pytest_tb_auto.txt", "py_stdlib.txt", "node_async.txt", "pytest_tb_native.txt"]
)
def test_code_in_frames_and_tool_headers_are_not_hints(name: str) -> None:
    # `["timeout"]` in a frame, `at async main`, pytest's `timeout-2.4.0` plugin, "2 passed in 1"
    facts = extract_environment((DATA / name).read_text())
    assert facts.hints == []
    assert not (facts.timing or facts.concurrency or facts.intermittent)


@pytest.mark.parametrize(
    "text,flag",
    [
        ("The test is flaky on CI", "intermittent"),
        ("fails maybe 1 out of 20 runs", "intermittent"),
        ("Reproduction rate: 15% of page refreshes", "intermittent"),
        ("Affected: 5% of requests", "intermittent"),
        ("It only happens in production", "only_in_production"),
        ("works fine locally but not on the server", "only_in_production"),
        ("we see it under heavy load", "under_load"),
        ("looks like a race condition between workers", "concurrency"),
        ("this used to work in 2.3", "regression"),
        ("after upgrading django the page breaks", "regression"),
        ("the request timed out", "timing"),
    ],
)
def test_hint_flags(text: str, flag: str) -> None:
    facts = extract_environment(text)
    assert getattr(facts, flag) is True
    assert len(facts.hints) >= 1


@pytest.mark.parametrize(
    "text,os_name,env",
    [
        ("Running on macOS 14.2 in dev", "macos", ["dev"]),
        ("Windows 11, staging cluster", "windows", ["staging"]),
        ("GitHub Actions runner, alpine image", "alpine", ["ci"]),
    ],
)
def test_os_and_environment(text: str, os_name: str, env: list[str]) -> None:
    facts = extract_environment(text)
    assert facts.os == os_name
    assert facts.environments == env


def test_nothing_stated_gives_empty_facts() -> None:
    assert extract_environment("The total is wrong.").is_empty
    assert extract_environment("") == EnvironmentFacts()


def test_strip_failures_keeps_only_the_prose() -> None:
    prose = strip_failures((DATA / "issue_with_traceback.txt").read_text())
    assert "Checkout crashes for some users" in prose
    assert "Steps: add a widget" in prose
    assert 'File "' not in prose and "KeyError" not in prose
