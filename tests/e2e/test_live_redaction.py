"""Redaction inside evidence captured from a real session, one test per secret kind
(dap_proxy/hypotheses/redaction.py `SecretKind`). The program's locals hold one secret of each
kind (one of them read from an environment variable the launch configuration sets, so only the
variable's name says it is secret); a breakpoint captures them at a stop, probes read them, and
the program fails with one in its exception message. Wherever the live session puts what it saw
(the `smartDebug/evidence` events, its `[smart-debug]` lines in the Debug Console, the
hypotheses' deciding evidence, the store's evidence rows) each secret is a `[REDACTED:<kind>]`
marker and never itself; no message of the proxy's own and no row of the store holds it (only
the program's own output does, untouched)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from dap_helpers import find_markers
from live_helpers import Run, debug, write_program

from dap_proxy.evidence.store import Store
from dap_proxy.hypotheses.redaction import SecretKind, marker

pytestmark = pytest.mark.e2e

# Assembled from pieces so that this file does not look like a leak to a scanner.
SECRETS: dict[SecretKind, tuple[str, str, str]] = {
    # kind: (local name, its value, the part that must never show)
    SecretKind.API_KEY: (
        "service",
        "sk-" + "proj-" + "Q7x9Lm2Pz4Rt8Vb1Nc6Kd3Wy",
        "Q7x9Lm2Pz4Rt8Vb1",
    ),
    SecretKind.BEARER_TOKEN: (
        "header",
        "Authorization: Bearer " + "abcDEF123456ghiJKL789",
        "abcDEF123456ghiJKL789",
    ),
    SecretKind.JWT: (
        "claims",
        "eyJ" + "hbGciOiJIUzI1NiJ9" + ".eyJ" + "zdWIiOiJjYXJ0LTQyIn0" + ".dozjgNryP4J3jVmNHl0w5N",
        "dozjgNryP4J3jVmNHl0w5N",
    ),
    SecretKind.PASSWORD: ("config_line", 'password = "' + "hunter2-Tr0ub4dor" + '"', "Tr0ub4dor"),
    SecretKind.PRIVATE_KEY: (
        "pem",
        "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEpAIBAAKCAQEA7bq98" + "x" * 30 + "\n"
        "-----END RSA PRIVATE KEY-----\n",
        "MIIEpAIBAAKCAQEA7bq98",
    ),
    SecretKind.URL_CREDENTIALS: (
        "db_url",
        "postgres://app:" + "S3cretPassw0rd" + "@db.internal:5432/shop",
        "S3cretPassw0rd",
    ),
    SecretKind.CONNECTION_STRING: (
        "conn",
        "Server=db;Database=shop;User Id=app;Password=" + "Pa55-w0rd-9" + ";",
        "Pa55-w0rd-9",
    ),
    SecretKind.EMAIL: ("contact", "alice.smith" + "@example.com", "alice.smith@"),
    SecretKind.ENV_VALUE: ("from_env", "q8Zt4vNw2pLr7cXy", "q8Zt4vNw2pLr7cXy"),
    SecretKind.SECRET_FIELD: ("api_key", "plain-looking-" + "value-31337", "value-31337"),
}
ENV_NAME = "SHOP_SERVICE_TOKEN"  # a secret-looking name; the value has no secret shape
NAMES = [name for name, _, _ in SECRETS.values()]


def program_source() -> str:
    values = "".join(
        f"    {name} = {value!r}\n"
        for kind, (name, value, _) in SECRETS.items()
        if kind is not SecretKind.ENV_VALUE
    )
    return (
        "import os\n\n\n"
        "def checkout():\n"
        f"{values}"
        f"    from_env = os.environ[{ENV_NAME!r}]\n"
        "    ready = len(service) + len(header)  # @bp look\n"
        "    ready += len(claims)  # @bp again\n"
        "    deliver(service, header, claims, config_line, pem, db_url, conn, contact, from_env,"
        " api_key)  # @bp send\n"
        "    return ready\n\n\n"
        "def deliver(*parts):\n"
        "    raise ConnectionError('cannot reach ' + parts[5])  # @bp raise\n\n\n"
        "checkout()\n"
    )


def start_failure(program: Path, marks: dict[str, int]) -> str:
    """The failure the session starts from (a person's paste): no secret in it."""
    return (
        "Traceback (most recent call last):\n"
        f'  File "{program}", line {marks["raise"] + 3}, in <module>\n    checkout()\n'
        f'  File "{program}", line {marks["send"]}, in checkout\n    deliver(service, ...)\n'
        f'  File "{program}", line {marks["raise"]}, in deliver\n'
        "    raise ConnectionError('cannot reach ' + parts[5])\n"
        "ConnectionError: cannot reach the database\n"
    )


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """One real session over the program: a breakpoint at `look`, probes reading every local
    there, the hypotheses' own probes from the failure context, the program failing."""
    program = write_program(
        tmp_path_factory.mktemp("redaction") / "app", "shop.py", program_source()
    )
    marks = find_markers(program)

    def add_probes(client: Any) -> None:
        for names, line in ((NAMES[:5], marks["again"]), (NAMES[5:], marks["send"])):
            client.request(
                "smartDebug/addProbe",
                {
                    "file": str(program),
                    "line": line,
                    "logMessage": " ".join(f"{n}={{{n}}}" for n in names),
                },
                check=True,
            )

    def read_stop(client: Any, stopped: dict[str, Any]) -> None:  # as an editor would, then on
        client.wait_event("smartDebug/evidence", lambda e: e["body"]["kind"] == "stop")

    run = debug(
        program,
        {program: [{"line": marks["look"]}]},
        at_stop=read_stop,
        extra={
            "env": {ENV_NAME: SECRETS[SecretKind.ENV_VALUE][1]},
            "smartDebug": {"traceback": start_failure(program, marks)},
        },
        before_configuration=add_probes,
    )
    return run, program.parent


def _evidence_bodies(run: Run) -> list[dict[str, Any]]:
    return run.bodies("smartDebug/evidence")


def test_the_session_captured_every_secret_before_redaction(session: tuple[Run, Path]) -> None:
    """The test is only worth something if the secrets were really there to leak."""
    run, _ = session
    bodies = _evidence_bodies(run)
    [stop] = [b for b in bodies if b["kind"] == "stop"]
    assert set(NAMES) <= set(stop["locals"]), stop["locals"]
    probed = {name for b in bodies if b["kind"] == "probe" for name in b["values"]}
    assert set(NAMES) <= probed
    assert any(b["kind"] == "failure" for b in bodies)
    assert "[smart-debug]" in run.output("console")


@pytest.mark.parametrize("kind", list(SECRETS), ids=[k.value for k in SECRETS])
def test_a_secret_is_redacted_wherever_the_session_put_it(
    session: tuple[Run, Path], kind: SecretKind
) -> None:
    run, workspace = session
    name, _, secret = SECRETS[kind]
    bodies = _evidence_bodies(run)
    [stop] = [b for b in bodies if b["kind"] == "stop"]
    assert marker(kind) in stop["locals"][name]
    seen = [b["values"][name] for b in bodies if b["kind"] == "probe" and name in b["values"]]
    assert seen and all(marker(kind) in value for value in seen), seen
    console = [
        line for line in run.output("console").splitlines() if line.startswith("[smart-debug]")
    ]
    assert any(f"{name}=" in line for line in console)
    deciding = [
        d["observation"]
        for b in run.bodies("smartDebug/hypotheses")
        for h in b["hypotheses"]
        for d in h["decided_by"]
    ]
    with Store.open(workspace) as store:
        [record] = [s for s in store.recent_sessions() if s.kind == "debug"]
        rows = [e.model_dump_json() for e in store.evidence(record.id)]
        with closing(sqlite3.connect(store.path)) as db:
            whole_store = "\n".join(db.iterdump())
    assert any(marker(kind) in row for row in rows)
    everywhere = [json.dumps(bodies), *console, *deciding, *rows]
    assert not [text for text in everywhere if secret in text]
    assert secret not in whole_store
    ours = [
        m
        for m in run.client.messages
        if not (m.get("event") == "output" and m["body"].get("category") in ("stdout", "stderr"))
    ]
    assert secret not in json.dumps(ours)
