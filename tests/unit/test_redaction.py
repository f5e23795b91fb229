"""Redaction before anything reaches the AI: one case per secret kind, in code, variables,
tracebacks and issue text, plus what must be left alone (dap_proxy/hypotheses/redaction.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure
from dap_proxy.hypotheses.models import FailureContext
from dap_proxy.hypotheses.redaction import (
    Finding,
    SecretKind,
    looks_secret_name,
    marker,
    redact,
    redact_obj,
)

# Secrets are assembled from pieces so that this file itself does not look like a leak to scanners.
ANTHROPIC_KEY = "sk-" + "ant-api03-" + "Zx81bQ" * 6
OPENAI_KEY = "sk-" + "proj-" + "Q1w2E3r4T5y6U7i8O9p0" * 2
STRIPE_KEY = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
AWS_KEY = "AK" + "IA" + "IOSFODNN7EXAMPLE"
GITHUB_TOKEN = "gh" + "p_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
GITHUB_PAT = "github_" + "pat_" + "11ABCDEFG0" * 5
SLACK_TOKEN = "xo" + "xb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
GOOGLE_KEY = "AI" + "za" + "SyA-1234567890abcdefghijklmnopqrstu"
JWT = (
    "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM_BODY = "MIIEpAIBAAKCAQEA7bq98" + "x" * 40 + "\nQ0hBTkdFTUVQTEVBU0U" + "y" * 40
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "\n-----END RSA PRIVATE KEY-----"
PASSWORD = "hunter2-Tr0ub4dor"
EMPTY_ENV: dict[str, str] = {}

CASES = [
    # (id, kind, text, secret)
    (
        "anthropic key in code",
        SecretKind.API_KEY,
        f'client = Anthropic(api="{ANTHROPIC_KEY}")',
        ANTHROPIC_KEY,
    ),
    (
        "openai key in issue",
        SecretKind.API_KEY,
        f"I set my key to {OPENAI_KEY} and it fails",
        OPENAI_KEY,
    ),
    ("stripe key", SecretKind.API_KEY, f"stripe.api = {STRIPE_KEY}", STRIPE_KEY),
    ("aws access key", SecretKind.API_KEY, f"export AWS_ID={AWS_KEY}\n", AWS_KEY),
    ("github token", SecretKind.API_KEY, f"git clone https://x/{GITHUB_TOKEN}/repo", GITHUB_TOKEN),
    ("github fine-grained pat", SecretKind.API_KEY, f"GH={GITHUB_PAT}", GITHUB_PAT),
    ("slack token", SecretKind.API_KEY, f"slack = WebClient({SLACK_TOKEN!r})", SLACK_TOKEN),
    ("google key", SecretKind.API_KEY, f"maps?key2 {GOOGLE_KEY}", GOOGLE_KEY),
    ("jwt in a traceback", SecretKind.JWT, f"jwt.exceptions.ExpiredSignatureError: {JWT}", JWT),
    (
        "bearer header",
        SecretKind.BEARER_TOKEN,
        "Authorization: Bearer abcDEF123456.xyz_789",
        "abcDEF123456.xyz_789",
    ),
    (
        "basic header",
        SecretKind.BEARER_TOKEN,
        "Authorization: Basic dXNlcjpodW50ZXIy",
        "dXNlcjpodW50ZXIy",
    ),
    (
        "password kwarg",
        SecretKind.PASSWORD,
        f'db.connect(user="app", password="{PASSWORD}")',
        PASSWORD,
    ),
    (
        "password json",
        SecretKind.PASSWORD,
        f'{{"user": "app", "password": "{PASSWORD}"}}',
        PASSWORD,
    ),
    ("password yaml quoted", SecretKind.PASSWORD, f"db:\n  password: '{PASSWORD}'\n", PASSWORD),
    ("password constant", SecretKind.PASSWORD, f"DB_PASSWORD = '{PASSWORD}'", PASSWORD),
    ("client secret", SecretKind.PASSWORD, f'CLIENT_SECRET="{PASSWORD}"', PASSWORD),
    (
        "password query string",
        SecretKind.PASSWORD,
        f"GET /login?user=bob&password={PASSWORD}&x=1",
        PASSWORD,
    ),
    ("password cli flag", SecretKind.PASSWORD, f"mysql --password={PASSWORD} -h db", PASSWORD),
    (
        "url credentials",
        SecretKind.URL_CREDENTIALS,
        f"postgresql://app:{PASSWORD}@db.internal:5432/shop",
        PASSWORD,
    ),
    ("redis url", SecretKind.URL_CREDENTIALS, f"redis://default:{PASSWORD}@cache:6379/0", PASSWORD),
    (
        "ado connection string",
        SecretKind.CONNECTION_STRING,
        f"Server=tcp:db.example.net,1433;Database=shop;User ID=app;Password={PASSWORD};Encrypt=True;",
        PASSWORD,
    ),
    (
        "azure storage connection string",
        SecretKind.CONNECTION_STRING,
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFyYmF6cXV4;EndpointSuffix=x",
        "Zm9vYmFyYmF6cXV4",
    ),
    ("private key", SecretKind.PRIVATE_KEY, f"key = '''\n{PEM}\n'''\n", PEM_BODY),
    (
        "truncated private key",
        SecretKind.PRIVATE_KEY,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA" + "z" * 30,
        "b3BlbnNzaC1rZXktdjEAAAAA",
    ),
    (
        "email in issue",
        SecretKind.EMAIL,
        "Reported by jane.doe+bugs@example.co.uk yesterday",
        "jane.doe+bugs@example.co.uk",
    ),
]


@pytest.mark.parametrize(
    ("kind", "text", "secret"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_secret_kind_is_replaced_by_its_marker(
    kind: SecretKind, text: str, secret: str
) -> None:
    result = redact(text, env=EMPTY_ENV)
    assert secret not in result.text
    assert marker(kind) in result.text
    assert kind in result.kinds


def test_env_values_of_secret_named_variables_are_redacted_wherever_they_appear() -> None:
    env = {"MY_SERVICE_TOKEN": "opaque-value-9931", "HOME": "/home/jane", "PWD": "/home/jane/app"}
    text = 'File "/home/jane/app/main.py", line 3\n    call(tok="opaque-value-9931")'
    result = redact(text, env=env)
    assert "opaque-value-9931" not in result.text
    assert marker(SecretKind.ENV_VALUE) in result.text
    assert "/home/jane/app/main.py" in result.text  # paths stay: the traceback is about them
    assert result.findings[0] == Finding(kind=SecretKind.ENV_VALUE, line=2)


def test_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMART_DEBUG_TEST_SECRET", "s3cr3t-from-env")
    assert "s3cr3t-from-env" not in redact("value was s3cr3t-from-env").text


def test_short_env_values_are_not_redacted() -> None:
    # "dev" would otherwise erase the word everywhere.
    assert redact("running in dev mode", env={"AUTH_MODE": "dev"}).text == "running in dev mode"


@pytest.mark.parametrize(
    "text",
    [
        "password = input('Password: ')",  # code, not a secret: the AI needs it
        'if token == "(":',
        "tokens = tokenize(source)",
        'author: "Alice Smith"',
        "def login(user: str, password: str) -> bool:",
        "ZeroDivisionError: division by zero",
        "@property\ndef total(self):",
        'File "/usr/lib/python3.11/json/decoder.py", line 355, in raw_decode',
        "https://example.com/path?page=2",
    ],
)
def test_ordinary_code_and_text_are_left_alone(text: str) -> None:
    result = redact(text, env=EMPTY_ENV)
    assert result.text == text
    assert result.findings == []


def test_findings_say_the_line_never_the_secret() -> None:
    text = f"line one\nuser = 'bob'\npassword = '{PASSWORD}'\n"
    result = redact(text, env=EMPTY_ENV)
    assert result.findings == [Finding(kind=SecretKind.PASSWORD, line=3)]
    assert PASSWORD not in result.model_dump_json()


def test_redact_obj_walks_dicts_lists_and_dap_variables() -> None:
    variables = {
        "variables": [
            {"name": "total", "value": "42", "type": "int"},
            {"name": "api_key", "value": "'plain-looking-value'", "type": "str"},
            {"name": "url", "value": f"'https://bob:{PASSWORD}@host/x'", "type": "str"},
        ],
        "config": {"secret_key": "django-insecure-abc", "debug": True, "token_count": 1234},
        "trace": (f"error for {ANTHROPIC_KEY}",),
    }
    findings: list[Finding] = []
    out = redact_obj(variables, findings, env=EMPTY_ENV)
    flat = repr(out)
    for secret in ("plain-looking-value", PASSWORD, "django-insecure-abc", ANTHROPIC_KEY):
        assert secret not in flat
    assert out["variables"][0] == {"name": "total", "value": "42", "type": "int"}
    assert out["config"]["debug"] is True and out["config"]["token_count"] == 1234
    assert isinstance(out["trace"], tuple)
    assert {f.path for f in findings} >= {"variables[1].value", "config.secret_key"}
    assert variables["config"]["secret_key"] == "django-insecure-abc"  # the input is not mutated


def test_redact_obj_returns_the_same_model_type() -> None:
    context = FailureContext(
        issue_text=f"Login fails for admin@corp.example with password '{PASSWORD}'",
        failure=ParsedFailure(
            exceptions=[
                ExceptionInfo(
                    type="AuthError",
                    message=f"invalid token {GITHUB_TOKEN}",
                    frames=[Frame(file="app.py", line=3, code=f'login("{PASSWORD}")')],
                )
            ]
        ),
    )
    findings: list[Finding] = []
    out = redact_obj(context, findings, env=EMPTY_ENV)
    assert isinstance(out, FailureContext)
    dumped = out.model_dump_json()
    assert GITHUB_TOKEN not in dumped and "admin@corp.example" not in dumped
    assert out.failure.final is not None and out.failure.final.type == "AuthError"
    assert {SecretKind.API_KEY, SecretKind.EMAIL} <= {f.kind for f in findings}


def test_secret_names() -> None:
    assert looks_secret_name("ANTHROPIC_API_KEY")
    assert looks_secret_name("db_password")
    assert looks_secret_name("GITHUB_TOKEN")
    assert not looks_secret_name("PWD")
    assert not looks_secret_name("author")
    assert not looks_secret_name("HOME")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_redaction_never_crashes_and_is_idempotent(text: str) -> None:
    once = redact(text, env=EMPTY_ENV).text
    assert redact(once, env=EMPTY_ENV).text == once


def test_a_secret_found_once_is_removed_everywhere_in_the_text() -> None:
    text = f"DB = 'postgresql://app:{PASSWORD}@db/shop'\nOperationalError: auth failed ({PASSWORD})"
    result = redact(text, env=EMPTY_ENV)
    assert PASSWORD not in result.text
    assert result.text.count(marker(SecretKind.URL_CREDENTIALS)) == 2


def test_redact_obj_learns_secrets_in_one_field_and_cuts_them_from_the_others() -> None:
    payload = {
        "message": f"login failed for {PASSWORD}",  # bare: no rule would recognise it
        "code": f'connect(password="{PASSWORD}")',
        "variables": [{"name": "session_secret", "value": "'abcdef123456'"}],
        "log": "cookie abcdef123456 expired",
    }
    out = redact_obj(payload, env=EMPTY_ENV)
    assert PASSWORD not in repr(out) and "abcdef123456" not in repr(out)
    assert out["message"] == f"login failed for {marker(SecretKind.PASSWORD)}"
    assert out["log"] == f"cookie {marker(SecretKind.SECRET_FIELD)} expired"


def test_a_code_variable_passed_as_password_is_not_erased_everywhere() -> None:
    text = "conn = connect(password=user_password)\nlog(len(user_password))"
    result = redact(text, env=EMPTY_ENV)
    assert result.text == (
        f"conn = connect(password={marker(SecretKind.PASSWORD)})\nlog(len(user_password))"
    )


SECRET_SHAPES = st.one_of(
    st.from_regex(r"sk-ant-api03-[A-Za-z0-9_-]{20,40}", fullmatch=True),
    st.from_regex(r"AKIA[0-9A-Z]{16}", fullmatch=True),
    st.from_regex(r"ghp_[A-Za-z0-9]{36}", fullmatch=True),
    st.from_regex(r"xoxb-[0-9]{10,12}-[A-Za-z0-9]{10,24}", fullmatch=True),
    st.from_regex(
        r"eyJ[A-Za-z0-9_-]{10,30}\.eyJ[A-Za-z0-9_-]{10,30}\.[A-Za-z0-9_-]{10,30}", fullmatch=True
    ),
    st.from_regex(r"[a-z][a-z0-9.]{2,12}@[a-z]{3,10}\.(com|org|io|co\.uk)", fullmatch=True),
)
PROSE = st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r"), max_size=60)


@settings(max_examples=150, deadline=None)
@given(PROSE, SECRET_SHAPES, PROSE)
def test_a_known_secret_shape_never_survives_whatever_surrounds_it(
    before: str, secret: str, after: str
) -> None:
    text = f"{before} {secret} {after}"
    assert secret not in redact(text, env=EMPTY_ENV).text
