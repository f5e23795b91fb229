"""The live Smart Debug Session with a real debugpy: probes tied to hypotheses placed before the
program runs, their observations deciding the hypotheses, the store holding the session, the
user's breakpoints exactly as through the plain proxy, and probes that never pause, never show
as a stop, and stop costing once their budget is spent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dap_helpers import find_markers
from live_helpers import copy_example, debug, hypothesis_about, write_program

from dap_proxy.evidence.store import Store

pytestmark = pytest.mark.e2e

LOOP = """\
import sys


def work(n):
    total = 0
    for i in range(n):
        total += i  # @bp loop
    return total  # @bp done


print("start", flush=True)
print("to stderr", file=sys.stderr, flush=True)
print(work(9))
print("end")
"""


def probe_events(run, probe: str | None = None) -> list[dict]:
    return [
        b
        for b in run.bodies("smartDebug/evidence")
        if b["kind"] == "probe" and (probe is None or b["probe"] == probe)
    ]


def test_the_example_confirms_the_off_by_one_and_the_store_keeps_the_session(
    tmp_path: Path,
) -> None:
    shop = copy_example(tmp_path)
    run = debug(shop / "checkout.py", extra={"smartDebug": {"traceback": "failure.txt"}})

    first = run.bodies("smartDebug/hypotheses")[0]
    assert first["version"] == 1 and first["reason"] == "start"
    assert first["failure"]["source"] == "launch config"
    injected = [
        p for p in run.last("smartDebug/suggestions")["probes"] if p["status"] == "injected"
    ]
    at_28 = next(p for p in injected if (p["file"], p["line"]) == ("cart.py", 28))
    assert at_28["hypothesis"] == hypothesis_about(first, "cart.py", 28)["id"]

    seen = probe_events(run, at_28["id"])
    assert [e["values"]["count"] for e in seen] == ["6", "6", "10", "10", "12", "12"]
    assert {e["values"]["BULK_THRESHOLD"] for e in seen} == {"10"}
    final = run.last("smartDebug/hypotheses")
    h1 = hypothesis_about(final, "cart.py", 28)
    assert h1["status"] == "confirmed" and h1["probability"] > 80, h1
    assert final["hypotheses"][0]["id"] == h1["id"]
    [branch] = [p for p in h1["predictions"] if p["kind"] == "branch"]
    assert branch["verdict"] == "held", branch
    assert (
        "when `count == BULK_THRESHOLD` the branch `count > BULK_THRESHOLD` is not taken"
        in (branch["description"])
    )
    assert any("the boundary case was not taken" in d["observation"] for d in h1["decided_by"])
    # the program's own output is untouched; the probes' values went to the console, labelled
    assert run.output("stdout") == (
        "alice: pays 15.00 (saved 0.00)\nbob: pays 36.00 (saved 0.00)\ncarol: pays 12.96 (saved 1.20)\n"
    )
    assert "@@sd:" not in run.output("stdout", "stderr", "console")
    assert "[smart-debug] cart.py:28" in run.output("console")

    with Store.open(shop) as store:
        [session] = [s for s in store.recent_sessions() if s.kind == "debug"]
        assert "H1 confirmed" in session.outcome
        stored = {h.id: h for h in store.hypotheses(session.id)}
        assert stored[h1["id"]].status.value == "confirmed"
        history = store.probability_history(session.id, h1["id"])
        assert len(history) >= 2 and history[-1].new_probability > history[0].new_probability
        observed = store.evidence_at("cart.py", 28)
        assert {e.values.get("count") for e in observed} >= {"6", "10", "12"}
        assert all(e.probe == at_28["id"] for e in observed)


def test_the_editor_sees_what_it_sees_through_the_plain_proxy(tmp_path: Path) -> None:
    program = write_program(tmp_path / "app", "loop.py", LOOP)
    marks = find_markers(program)
    user = [
        {"line": marks["loop"], "condition": "i == 4"},
        {"line": marks["done"]},
        {"line": 12, "logMessage": "user logpoint n={9}"},
    ]
    traceback = (
        "Traceback (most recent call last):\n"
        f'  File "{program}", line 13, in <module>\n    print(work(9))\n'
        f'  File "{program}", line {marks["loop"]}, in work\n    total += i\n'
        "TypeError: unsupported operand type(s) for +=: 'int' and 'str'\n"
    )
    plain = debug(program, {program: user}, plain=True)
    live = debug(program, {program: user}, extra={"smartDebug": {"traceback": traceback}})

    assert any(
        p["status"] == "injected" and p["file"] == "loop.py"
        for p in live.last("smartDebug/suggestions")["probes"]
    )
    assert probe_events(live), "the injected probes observed nothing"
    assert live.set_breakpoints == plain.set_breakpoints
    assert live.stops == plain.stops and len(live.stops) == 2
    for category in ("stdout", "stderr"):
        assert live.output(category) == plain.output(category)
    user_logpoints = [b["output"] for b in plain.bodies("output") if "source" in b]
    assert user_logpoints == ["user logpoint n=9\n"]
    assert [b["output"] for b in live.bodies("output") if "source" in b] == user_logpoints
    assert not plain.events("smartDebug/hypotheses")


def test_condition_and_hit_condition_both_hold_as_the_specification_says(tmp_path: Path) -> None:
    program = write_program(tmp_path / "app", "loop.py", LOOP)
    line = find_markers(program)["loop"]
    # debugpy alone ORs them: it stops at the 2nd hit and again when i == 7
    never = [{"line": line, "condition": "i == 7", "hitCondition": "2"}]
    assert len(debug(program, {program: never}).stops) == 0
    assert len(debug(program, {program: never}, plain=True).stops) == 2
    seen: list[str] = []

    def read_i(client, stopped) -> None:
        frames = client.request("stackTrace", {"threadId": stopped["threadId"]}, check=True)
        frame = frames["body"]["stackFrames"][0]
        scopes = client.request("scopes", {"frameId": frame["id"]}, check=True)["body"]["scopes"]
        variables = client.request(
            "variables", {"variablesReference": scopes[0]["variablesReference"]}, check=True
        )["body"]["variables"]
        seen.append(next(v["value"] for v in variables if v["name"] == "i"))

    both = [{"line": line, "condition": "i % 2 == 1", "hitCondition": ">=2"}]
    run = debug(program, {program: both}, at_stop=read_i)
    assert seen == ["3", "5", "7"]  # the odd i's from the 2nd one on
    assert [s["hitBreakpointIds"] for s in run.stops] == [[0], [0], [0]]


def _add_probe(client, **arguments) -> dict:
    return client.request("smartDebug/addProbe", arguments)


def test_a_raising_probe_never_pauses_and_a_snapshot_never_shows_as_a_stop(tmp_path: Path) -> None:
    program = write_program(tmp_path / "app", "loop.py", LOOP)
    line = find_markers(program)["loop"]
    answers: list[dict] = []

    def add(client) -> None:
        answers.append(_add_probe(client, file=str(program), line=line, condition="missing > 1"))
        answers.append(
            _add_probe(
                client, file=str(program), line=line + 1, logMessage="{total.no_such_attribute}"
            )
        )
        answers.append(_add_probe(client, file=str(program), line=line - 1, condition="i >= 3"))

    run = debug(program, before_configuration=add)
    assert all(a["success"] for a in answers), answers
    assert run.stops == [] and not run.events("continued")
    assert run.output("stdout") == "start\n36\nend\n"
    # no error text from a probe either (a logpoint's output has a `source`: run.output leaves it)
    printed = "".join(b.get("output", "") for b in run.bodies("output"))
    assert "not defined" not in printed and "no_such_attribute" not in printed, printed
    snapshot = answers[2]["body"]["probe"]["id"]
    captured = probe_events(run, snapshot)
    assert [e["values"].get("i") for e in captured] == ["3", "4", "5"]  # a snapshot's budget is 3
    assert all("total" in e["values"] for e in captured)
    for silent in (answers[0], answers[1]):
        assert probe_events(run, silent["body"]["probe"]["id"]) == []


SANDBOXED = """\
def run(n):
    total = 0
    for i in range(n):
        total += i  # @bp sandboxed
    return total
"""
SANDBOX_HOST = """\
from pathlib import Path

path = Path(__file__).with_name("sandboxed.py")
# the code runs with builtins of its own, without __import__ (a template engine's, a sandbox's)
scope = {"__builtins__": {"range": range, "repr": repr}}
exec(compile(path.read_text(), str(path), "exec"), scope)
print(scope["run"](4))
"""


def test_a_probe_in_code_without_import_stays_silent(tmp_path: Path) -> None:
    """A logpoint reads the program's clock through __import__: where the code's builtins have
    none, the probe is silent, as for any expression that raises, never an error message."""
    sandboxed = write_program(tmp_path / "app", "sandboxed.py", SANDBOXED)
    host = write_program(tmp_path / "app", "host.py", SANDBOX_HOST)
    line = find_markers(sandboxed)["sandboxed"]
    ids: list[str] = []

    def add(client) -> None:
        ids.append(
            _add_probe(client, file=str(sandboxed), line=line, logMessage="{i}")["body"]["probe"][
                "id"
            ]
        )

    run = debug(host, before_configuration=add)
    assert run.stops == []
    assert run.output("stdout") == "6\n"
    # every output the editor got, a logpoint's (debugpy gives it a `source`) included
    printed = "".join(b.get("output", "") for b in run.bodies("output"))
    assert "__import__" not in printed and "not defined" not in printed, printed
    assert probe_events(run, ids[0]) == []


def test_a_hot_loop_spends_a_probes_budget_and_the_probe_comes_out(tmp_path: Path) -> None:
    program = write_program(
        tmp_path / "app", "hot.py", "for i in range(5000):\n    x = i * 2\nprint('done')\n"
    )
    ids: list[str] = []

    def add(client) -> None:
        answer = _add_probe(client, file=str(program), line=2, logMessage="i={i}")
        ids.append(answer["body"]["probe"]["id"])

    run = debug(program, before_configuration=add, extra={"smartDebug": {"maxProbeHits": 25}})
    seen = probe_events(run, ids[0])
    assert [e["hit"] for e in seen] == list(range(1, 26))
    assert [e["values"]["i"] for e in seen][:3] == ["0", "1", "2"]
    [probe] = [p for p in run.last("smartDebug/suggestions")["probes"] if p["id"] == ids[0]]
    assert (probe["status"], probe["hits"], probe["budget"]) == ("spent", 25, 25)
    assert run.output("stdout") == "done\n"


HOT_BESIDE_MINE = """\
import sys


def hot(n):
    total = 0
    for i in range(n):
        a = i  # @bp p1
        b = a + 1  # @bp p2
        total += b  # @bp mine
    return total  # @bp after


def patched():
    module = sys.modules.get("_pydevd_bundle.pydevd_breakpoints")
    return getattr(getattr(module, "LineBreakpoint", None), "__smart_debug_pydevd__", False)


print(hot(3000))
print("patched", patched())
"""


def test_spent_probes_leave_the_users_own_breakpoints_in_their_file_as_they_were(
    tmp_path: Path,
) -> None:
    """In the debuggee smart-debug starts, a probe past its budget is answered "not hit" and
    taken out of pydevd's tracer table by pydevd itself (nodelay_shim/_smart_debug_pydevd.py):
    every observation up to the budget still arrives, the program's exit loses none, and the
    user's logpoint with a hit condition and conditional breakpoint in the same file and loop
    behave exactly as debugpy makes them."""
    program = write_program(tmp_path / "app", "hot.py", HOT_BESIDE_MINE)
    lines = find_markers(program)
    ids: list[str] = []

    def add(client) -> None:
        for name in ("p1", "p2"):
            answer = _add_probe(client, file=str(program), line=lines[name], logMessage="{i}")
            ids.append(answer["body"]["probe"]["id"])

    mine = [
        {"line": lines["mine"], "logMessage": "mine {i}", "hitCondition": "<=3"},
        {"line": lines["after"], "condition": "total > 0"},
    ]
    run = debug(
        program,
        {program: mine},
        before_configuration=add,
        extra={"smartDebug": {"maxProbeHits": 40}},
    )
    for probe in ids:
        seen = probe_events(run, probe)
        assert [e["hit"] for e in seen] == list(range(1, 41)), probe
        assert [e["values"]["i"] for e in seen] == [str(i) for i in range(40)], probe
    logged = [b["output"] for b in run.bodies("output") if b.get("output", "").startswith("mine")]
    assert logged == ["mine 0\n", "mine 1\n", "mine 2\n"]
    assert [(s["reason"], s.get("hitBreakpointIds") is not None) for s in run.stops] == [
        ("breakpoint", True)
    ]
    assert run.output("stdout") == f"{sum(i + 1 for i in range(3000))}\npatched True\n"


def test_custom_requests_answer_and_refuse_clearly(tmp_path: Path) -> None:
    shop = copy_example(tmp_path)
    answers: dict[str, dict] = {}

    def ask(client) -> None:
        client.wait_event("smartDebug/hypotheses", timeout=30)
        answers["hypotheses"] = client.request("smartDebug/hypotheses")
        answers["unknown id"] = client.request("smartDebug/testHypothesis", {"id": "H9"})
        ids = [h["id"] for h in answers["hypotheses"]["body"]["hypotheses"]]
        answers["test"] = client.request("smartDebug/testHypothesis", {"id": ids[-1]})
        answers["unsafe"] = _add_probe(
            client, file="cart.py", line=28, logMessage="{__import__('os').getcwd()}"
        )
        answers["call"] = _add_probe(
            client, file="cart.py", line=28, logMessage="{subtotal(items)}"
        )
        answers["no file"] = _add_probe(client, file="nowhere.py", line=1, logMessage="{x}")
        answers["past end"] = _add_probe(client, file="cart.py", line=999, logMessage="{x}")
        answers["probes"] = client.request("smartDebug/probes")
        first = answers["probes"]["body"]["probes"][0]["id"]
        answers["remove"] = client.request("smartDebug/removeProbes", {"ids": [first]})
        answers["what"] = client.request("smartDebug/whatever")

    debug(
        shop / "checkout.py",
        before_configuration=ask,
        extra={"smartDebug": {"traceback": "failure.txt"}},
    )
    assert answers["hypotheses"]["success"] and answers["hypotheses"]["body"]["version"] == 1
    assert not answers["unknown id"]["success"] and "H1" in answers["unknown id"]["message"]
    assert answers["test"]["success"] and answers["test"]["body"]["status"] in ("open", "supported")
    for refused in ("unsafe", "call"):
        assert not answers[refused]["success"]
        assert (
            "refused" in answers[refused]["message"]
            and "not a safe expression" in answers[refused]["message"]
        )
    assert "no such file" in answers["no file"]["message"]
    assert "past its end" in answers["past end"]["message"]
    assert answers["remove"]["body"]["removed"] == [answers["probes"]["body"]["probes"][0]["id"]]
    assert not answers["what"]["success"] and "smartDebug/addProbe" in answers["what"]["message"]


def test_a_later_session_injects_a_suggestion_accepted_in_the_store(tmp_path: Path) -> None:
    from dap_proxy.analysis.models import Probe, ProbeKind

    shop = copy_example(tmp_path)
    code = (shop / "cart.py").read_text().splitlines()[27]
    with Store.open(shop) as store:
        accepted = Probe(
            kind=ProbeKind.LOGPOINT,
            file="cart.py",
            line=28,
            log_message="count={count}",
            reason="accepted in the editor",
        )
        store.decide_probe("cart.py", code, accepted, "accepted", source="lsp")
    # the code moved two lines down since it was accepted
    text = (shop / "cart.py").read_text().replace("def discount(", "\n\ndef discount(", 1)
    (shop / "cart.py").write_text(text)
    run = debug(shop / "checkout.py")
    [probe] = [p for p in run.last("smartDebug/suggestions")["probes"] if p["source"] == "accepted"]
    assert (probe["file"], probe["line"], probe["status"]) == ("cart.py", 30, "injected")
    assert [e["values"]["count"] for e in probe_events(run, probe["id"])] == [
        "6",
        "6",
        "10",
        "10",
        "12",
        "12",
    ]
    assert "@@sd:" not in run.output("stdout")


def test_a_failure_during_a_session_is_offered_to_the_next_one(tmp_path: Path) -> None:
    program = write_program(
        tmp_path / "app",
        "prices.py",
        (
            "PRICES = {'widget': 3.0}\n\n\n"
            "def price(sku):\n    return PRICES[sku]\n\n\n"
            "print(price('widget'))\nprint(price('gadget'))\n"
        ),
    )

    def look(client, stopped) -> None:  # an editor reads the exception, then resumes
        client.request("exceptionInfo", {"threadId": stopped["threadId"]}, check=True)
        client.wait_event("smartDebug/evidence", lambda e: e["body"]["kind"] == "stop", timeout=30)

    first = debug(program, exception_filters=("uncaught",), at_stop=look)
    assert [s["reason"] for s in first.stops] == ["exception"]
    [failure] = [b for b in first.bodies("smartDebug/evidence") if b["kind"] == "failure"]
    assert "KeyError" in failure["text"]
    stop = next(b for b in first.bodies("smartDebug/evidence") if b["kind"] == "stop")
    assert stop["exception"]["type"].endswith("KeyError") and stop["locals"]["sku"] == "'gadget'"
    second = debug(program)
    start = second.bodies("smartDebug/hypotheses")[0]
    assert start["failure"]["source"].startswith("store session #")
    assert start["failure"]["type"] == "KeyError"
    probes = second.last("smartDebug/suggestions")["probes"]
    assert any(p["status"] == "injected" and p["line"] == 5 for p in probes), probes
    seen = [e for e in probe_events(second) if e["line"] == 5]
    assert "'gadget'" in {e["values"].get("sku") for e in seen}


def test_the_briefs_launch_configuration_works_as_written(tmp_path: Path) -> None:
    program = write_program(tmp_path / "app", "loop.py", LOOP)
    marks = find_markers(program)
    run = debug(
        program,
        extra={
            "smartStep": True,
            "skipFiles": ["**/site-packages/**"],
            "logpoints": [
                {"file": "loop.py", "line": marks["done"], "message": "total is {total}"},
                {"file": "loop.py", "message": "no line"},
            ],
            "breakpoints": [
                {
                    "file": "loop.py",
                    "line": marks["loop"],
                    "condition": "i > 5",
                    "hitCondition": "2",
                }
            ],
            "trace": True,
        },
    )
    assert len(run.stops) == 1  # i == 7: the 2nd hit where i > 5
    assert [b["output"] for b in run.bodies("output") if "source" in b] == ["total is 36\n"]
    assert "`logpoints[1]`" in run.output("console") and "line" in run.output("console")
    assert run.output("stdout").endswith("36\nend\n")
    found = re.search(r"DAP traffic goes to (\S+\.jsonl)", run.output("console"))
    assert found, run.output("console")
    trace = Path(found.group(1))
    try:
        launched = [json.loads(line) for line in trace.read_text().splitlines()]
        sent = [r["message"] for r in launched if r.get("peer") == "adapter" and r["dir"] == "out"]
        launch = next(m for m in sent if m.get("command") == "launch")
        assert launch["arguments"]["justMyCode"] is True  # smartStep
        assert launch["arguments"]["rules"] == [{"path": "**/site-packages/**", "include": False}]
        assert not {"logpoints", "breakpoints", "skipFiles", "smartStep", "trace"} & set(
            launch["arguments"]
        )
    finally:
        trace.unlink(missing_ok=True)


def test_probe_output_can_be_kept_out_of_the_debug_console(tmp_path: Path) -> None:
    program = write_program(tmp_path / "app", "hot.py", "for i in range(3):\n    x = i * 2\n")
    ids: list[str] = []

    def add(client) -> None:
        ids.append(
            _add_probe(client, file=str(program), line=2, logMessage="{i}")["body"]["probe"]["id"]
        )

    run = debug(program, before_configuration=add, extra={"smartDebug": {"showProbeOutput": False}})
    assert [e["values"]["i"] for e in probe_events(run, ids[0])] == ["0", "1", "2"]
    assert "[smart-debug]" not in run.output("console")


def test_evidence_at_a_stop_costs_the_editor_nothing_extra(tmp_path: Path) -> None:
    program = write_program(tmp_path / "app", "loop.py", LOOP)
    log = tmp_path / "traffic.jsonl"

    def look(client, stopped) -> None:  # what VS Code asks after a stop
        client.request("threads", check=True)
        frames = client.request(
            "stackTrace",
            {"threadId": stopped["threadId"], "startFrame": 0, "levels": 20},
            check=True,
        )
        frame = frames["body"]["stackFrames"][0]
        scopes = client.request("scopes", {"frameId": frame["id"]}, check=True)["body"]["scopes"]
        client.request(
            "variables", {"variablesReference": scopes[0]["variablesReference"]}, check=True
        )
        client.wait_event("smartDebug/evidence", lambda e: e["body"]["kind"] == "stop", timeout=30)

    run = debug(
        program,
        {program: [{"line": find_markers(program)["done"]}]},
        at_stop=look,
        proxy_args=("--log-file", str(log)),
    )
    [stop] = [b for b in run.bodies("smartDebug/evidence") if b["kind"] == "stop"]
    assert stop["locals"]["total"] == "36" and stop["frames"][0]["name"] == "work"
    to_adapter = [
        json.loads(line)["message"]["command"]
        for line in log.read_text().splitlines()
        if '"peer": "adapter"' in line and '"dir": "out"' in line and '"request"' in line
    ]
    for command in ("stackTrace", "scopes", "variables"):
        assert to_adapter.count(command) == 1, to_adapter


def _ranked(probability: float, line: int, statement: str, condition: str | None = None) -> dict:
    """A hypothesis as a client that ranked it itself sends it (localize's shape)."""
    probes = (
        [{"kind": "conditional", "file": "cart.py", "line": line, "condition": condition,
          "reason": "the change that fixed the tests"}]
        if condition
        else []
    )  # fmt: skip
    return {
        "id": f"H{1 if probability > 50 else 2}",
        "statement": statement,
        "category": "logic_error",
        "pattern": "off_by_one" if condition else "unknown",
        "probability": probability,
        "locations": [{"file": "cart.py", "line": line}],
        "probes": probes,
        "engine": "localize",
    }


def test_hypotheses_a_client_ranked_are_tested_before_the_program_runs(tmp_path: Path) -> None:
    shop = copy_example(tmp_path)
    h1 = _ranked(
        60.0, 28, "cart.py:28 `count > BULK_THRESHOLD` should be `>=`",
        "(count > BULK_THRESHOLD) != (count >= BULK_THRESHOLD)",
    )  # fmt: skip
    h2 = _ranked(30.0, 23, "the fault is on cart.py:23")
    answers: dict[str, dict] = {}

    def give(client) -> None:
        client.wait_event("smartDebug/hypotheses", timeout=30)
        answers["empty"] = client.request("smartDebug/testHypotheses", {"hypotheses": []})
        answers["bad"] = client.request(
            "smartDebug/testHypotheses", {"hypotheses": [{**h1, "probability": 140}]}
        )
        answers["probes"] = client.request(
            "smartDebug/testHypotheses", {"hypotheses": [h1], "probes": 99}
        )
        answers["given"] = client.request(
            "smartDebug/testHypotheses", {"hypotheses": [h1, h2], "probes": 2, "source": "a test"}
        )

    run = debug(shop / "checkout.py", before_configuration=give, extra={"smartDebug": {}})
    assert not answers["empty"]["success"] and "non-empty list" in answers["empty"]["message"]
    assert not answers["bad"]["success"]
    assert "hypotheses[0].probability" in answers["bad"]["message"]
    assert not answers["probes"]["success"] and "0 to 50" in answers["probes"]["message"]
    given = answers["given"]["body"]
    assert [h["id"] for h in given["hypotheses"]] == ["H1", "H2"]
    assert "failure" not in given  # none was known: the example ran without one
    [branch] = given["hypotheses"][0]["predictions"]
    assert (branch["kind"], branch["verdict"]) == ("branch", "pending")
    injected = [p for p in run.last("smartDebug/suggestions")["probes"] if p["status"] != "offered"]
    assert {(p["file"], p["line"]) for p in injected} == {("cart.py", 28), ("cart.py", 29)}
    final = run.last("smartDebug/hypotheses")
    [h1_final] = [h for h in final["hypotheses"] if h["id"] == "H1"]
    assert h1_final["predictions"][0]["verdict"] == "held"
    assert h1_final["probability"] > 60.0 and final["hypotheses"][0]["id"] == "H1"
    with Store.open(shop) as store:
        stored = {h.id: h for h in store.hypotheses(final["session"])}
        assert stored["H1"].statement == h1["statement"]
        history = store.probability_history(final["session"], "H1")
        assert [c.new_probability for c in history][0] == 60.0
        assert history[-1].new_probability == h1_final["probability"]


def test_an_env_file_reaches_the_program_under_its_env_and_a_missing_one_is_named(
    tmp_path: Path,
) -> None:
    program = write_program(
        tmp_path / "app",
        "envs.py",
        "import os\nprint(os.environ.get('GREETING'), os.environ.get('TARGET'), flush=True)\n",
    )
    (program.parent / ".env").write_text("# local settings\nGREETING=hello\nexport TARGET='file'\n")
    run = debug(
        program, extra={"envFile": ".env", "cwd": str(program.parent), "env": {"TARGET": "env"}}
    )
    assert run.output("stdout") == "hello env\n"  # the configuration's `env` wins over the file

    missing = debug(program, extra={"envFile": str(tmp_path / "nope.env")})
    assert missing.output("stdout") == "None None\n"
    assert "nope.env does not exist" in missing.output("console")
