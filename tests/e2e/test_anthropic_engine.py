"""The Anthropic engine end to end: the real `anthropic` SDK against a loopback stub of the Messages
API. Valid output -> AI hypotheses merged with the offline ones; invalid output, a timeout or an
HTTP error -> the offline hypotheses with a note; the request is redacted and recorded in the store;
AI off -> nothing is sent (dap_proxy/hypotheses/anthropic_engine.py)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from stubs.messages_api import MessagesStub, Reply

from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure
from dap_proxy.evidence.store import Store
from dap_proxy.hypotheses.anthropic_engine import generate_with_ai
from dap_proxy.hypotheses.models import (
    BugPattern,
    CodeLocation,
    FailureContext,
    Hypothesis,
    HypothesisCategory,
)
from dap_proxy.hypotheses.settings import AiMode, AiSettings

pytestmark = pytest.mark.e2e

TEST_TIMEOUT_S = 1.0  # the engine's timeout in these tests: the stub holds replies past it
MODEL = "claude-test-model"
CLIENT_KEY = "sk-" + "ant-api03-" + "clientKEY" * 4  # what the engine authenticates with
SOURCE_KEY = "sk-" + "ant-api03-" + "leakedKEY" * 4  # a key written in the user's code
DB_PASSWORD = "Tr0ub4dor-and-3"
ENV_TOKEN = "env-only-value-7781"
BEARER = "eyJraWQiOiJhYmMiLCJ0eXAiOiJ"  # a bearer token pasted in the issue

APP = f"""\
import os
API_KEY = "{SOURCE_KEY}"
DB = "postgresql://shop:{DB_PASSWORD}@db.internal/shop"

def bulk_discount(items):
    if len(items) > 10:  # off by one: 10 items should get it
        return 0.1
    return 0.0
"""


@pytest.fixture
def stub() -> Iterator[MessagesStub]:
    server = MessagesStub()
    yield server
    server.close()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    monkeypatch.setenv("SHOP_SERVICE_TOKEN", ENV_TOKEN)
    return tmp_path


def failure_context(workspace: Path) -> FailureContext:
    frame = Frame(
        file=str(workspace / "app.py"),
        line=6,
        function="bulk_discount",
        code="if len(items) > 10:",
        workspace_path="app.py",
    )
    return FailureContext(
        workspace=str(workspace),
        issue_text=(
            "Bulk discount missing for 10 items. Reported by ops@shop.example; "
            f"curl -H 'Authorization: Bearer {BEARER}' fails too. Token was {ENV_TOKEN}."
        ),
        failure=ParsedFailure(
            exceptions=[
                ExceptionInfo(
                    type="AssertionError",
                    message=f"0.0 != 0.1 (db {DB_PASSWORD!r})",
                    frames=[frame],
                )
            ]
        ),
    )


def offline() -> list[Hypothesis]:
    return [
        Hypothesis(
            id="H1",
            statement="The threshold uses > where >= was meant",
            category=HypothesisCategory.LOGIC_ERROR,
            pattern=BugPattern.OFF_BY_ONE,
            probability=60,
            locations=[CodeLocation(file="app.py", line=6)],
        ),
        Hypothesis(
            id="H2",
            statement="items arrives with duplicates removed",
            category=HypothesisCategory.DATA_CORRUPTION,
            pattern=BugPattern.MISSING_DATA,
            probability=25,
        ),
    ]


def settings(base_url: str, **changes: object) -> AiSettings:
    values: dict[str, object] = {
        "mode": AiMode.ANTHROPIC,
        "api_key": CLIENT_KEY,
        "base_url": base_url,
        "model": MODEL,
        "timeout_s": TEST_TIMEOUT_S,
        "max_retries": 0,
    }
    values.update(changes)
    return AiSettings(**values)  # type: ignore[arg-type]


VALID_ANSWER = {
    "hypotheses": [
        {
            "statement": "The comparison excludes exactly 10 items: > should be >=",
            "category": "logic_error",
            "pattern": "off_by_one",
            "probability": 70,
            "evidence": ["10 items got 0.0"],
            "falsification_criteria": ["len(items) == 10 reaches the return 0.1 branch"],
            "testing_approach": ["logpoint at app.py:6 printing len(items)"],
            "locations": [{"file": "app.py", "line": 6}],
            "same_as": "H1",
        },
        {
            "statement": "The discount is applied before items are de-duplicated upstream",
            "category": "state_management",
            "pattern": "wrong_state_transition",
            "probability": 20,
            "evidence": ["issue mentions 10 items"],
            "falsification_criteria": ["items has 10 distinct entries at the call"],
            "locations": [{"file": "app.py", "line": 7}, {"file": "invented.py", "line": 3}],
        },
    ]
}


def test_valid_output_gives_ai_hypotheses_merged_with_offline_ones(
    stub: MessagesStub, workspace: Path
) -> None:
    stub.reply = Reply(text=json.dumps(VALID_ANSWER))
    with Store.open(workspace) as store:
        hypotheses, note = generate_with_ai(
            failure_context(workspace), offline(), settings(stub.base_url), store
        )
        session = store.save_triage(failure_context(workspace), hypotheses)
        [exchange] = store.ai_exchanges(session)  # recorded, then attached to the session

    assert (
        note == f"AI: anthropic {MODEL} (2 hypotheses; 1 new, 1 agreeing with the offline engine)"
    )
    by_id = {h.id: h for h in hypotheses}
    assert set(by_id) == {"H1", "H2", "H3"}
    assert by_id["H1"].engine == "offline"
    assert any(
        "AI engine reached the same" in e.observation for e in by_id["H1"].supporting_evidence
    )
    assert by_id["H3"].engine == "anthropic"
    assert by_id["H3"].pattern == BugPattern.WRONG_STATE_TRANSITION
    assert [loc.file for loc in by_id["H3"].locations] == ["app.py"]  # the invented file dropped
    assert hypotheses[0].id == "H1"  # both engines agree: ranked first
    assert by_id["H1"].probability == pytest.approx((60 + 70) / 2, abs=0.2)
    assert sum(h.probability for h in hypotheses) <= 98

    [request] = stub.requests
    assert request.path == "/v1/messages"
    assert request.headers["authorization"] == f"Bearer {CLIENT_KEY}"
    assert request.body["model"] == MODEL
    assert request.body["output_config"]["format"]["type"] == "json_schema"
    recorded = json.loads(exchange.request_json)
    assert recorded["body"]["messages"] == request.body["messages"]  # exactly what was sent
    assert recorded["body"]["system"] == request.body["system"]
    assert json.loads(exchange.response_json or "{}")["content"][0]["text"] == json.dumps(
        VALID_ANSWER
    )


def test_the_request_is_redacted_before_it_is_sent(stub: MessagesStub, workspace: Path) -> None:
    stub.reply = Reply(text=json.dumps(VALID_ANSWER))
    generate_with_ai(failure_context(workspace), offline(), settings(stub.base_url))
    [request] = stub.requests
    body = request.raw
    sent = request.body["messages"][0]["content"]
    assert "bulk_discount" in sent and "len(items) > 10" in sent  # the code itself does go out
    for secret in (SOURCE_KEY, DB_PASSWORD, ENV_TOKEN, BEARER, "ops@shop.example"):
        assert secret not in body, secret
    for kind in ("api_key", "url_credentials", "env_value", "bearer_token", "email"):
        assert f"[REDACTED:{kind}]" in sent, kind


@pytest.mark.parametrize(
    "text",
    [
        "Sure! Here are my hypotheses: the bug is in line 6.",  # not JSON
        json.dumps({"hypotheses": [{"statement": "a bug", "probability": 250}]}),  # wrong shape
        json.dumps({"hypotheses": []}),  # nothing proposed
    ],
    ids=["prose", "schema-violation", "empty"],
)
def test_invalid_output_falls_back_to_the_offline_engine(
    stub: MessagesStub, workspace: Path, text: str
) -> None:
    stub.reply = Reply(text=text)
    with Store.open(workspace) as store:
        hypotheses, note = generate_with_ai(
            failure_context(workspace), offline(), settings(stub.base_url), store
        )
        [exchange] = store.ai_exchanges()
    assert hypotheses == offline()
    assert note == (
        "AI unavailable: the reply did not match the expected hypotheses format; "
        "showing the offline engine's hypotheses"
    )
    assert exchange.error and exchange.response_json is None
    assert len(stub.requests) == 1


def test_timeout_falls_back_quickly(stub: MessagesStub, workspace: Path) -> None:
    stub.reply = Reply(hold=True)
    hypotheses, note = generate_with_ai(
        failure_context(workspace), offline(), settings(stub.base_url)
    )
    assert hypotheses == offline()
    assert note == "AI unavailable: timed out after 1 s; showing the offline engine's hypotheses"
    assert len(stub.requests) == 1  # max_retries=0: one attempt


def test_retries_are_bounded_by_the_setting(stub: MessagesStub, workspace: Path) -> None:
    stub.reply = Reply(status=503)
    hypotheses, note = generate_with_ai(
        failure_context(workspace), offline(), settings(stub.base_url, max_retries=1)
    )
    assert hypotheses == offline()
    assert "the API answered HTTP 503" in note
    assert len(stub.requests) == 2  # the first try and one retry


def test_unreachable_api_falls_back(workspace: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hypotheses, note = generate_with_ai(
        failure_context(workspace), offline(), settings(f"http://127.0.0.1:{port}")
    )
    assert hypotheses == offline()
    assert note.startswith(f"AI unavailable: cannot reach http://127.0.0.1:{port}")


def test_environment_configures_key_and_base_url(
    stub: MessagesStub, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", CLIENT_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stub.base_url)
    stub.reply = Reply(text=json.dumps(VALID_ANSWER))
    launch_options = {
        "ai": "anthropic",
        "autoLogpoints": 3,
        "issue": "",
        "timeout_s": TEST_TIMEOUT_S,
    }
    ai = AiSettings.model_validate(launch_options)  # the launch config's smartDebug block
    assert ai.enabled and CLIENT_KEY not in repr(ai)
    hypotheses, note = generate_with_ai(failure_context(workspace), offline(), ai)
    assert note.startswith("AI: anthropic ")
    assert len(stub.requests) == 1
    assert stub.requests[0].headers["authorization"] == f"Bearer {CLIENT_KEY}"


@pytest.mark.parametrize(
    ("mode", "key", "expected_note"),
    [
        (AiMode.OFF, CLIENT_KEY, 'AI off (set smartDebug.ai to "anthropic" to use it)'),
        (AiMode.ANTHROPIC, None, "AI off: no API key (set ANTHROPIC_API_KEY)"),
        (AiMode.ANTHROPIC, "  ", "AI off: no API key (set ANTHROPIC_API_KEY)"),
    ],
    ids=["setting-off", "no-key", "blank-key"],
)
def test_ai_off_sends_nothing(
    stub: MessagesStub,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: AiMode,
    key: str | None,
    expected_note: str,
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", stub.base_url)  # even pointed at it, nothing goes
    stub.reply = Reply(text=json.dumps(VALID_ANSWER))
    ai = AiSettings(mode=mode, api_key=key, timeout_s=TEST_TIMEOUT_S)  # type: ignore[arg-type]
    assert not ai.enabled
    with Store.open(workspace) as store:
        hypotheses, note = generate_with_ai(failure_context(workspace), offline(), ai, store)
        assert store.ai_exchanges() == []
    assert hypotheses == offline()
    assert note == expected_note
    assert stub.requests == []
