"""Pieces of `smart-debug run` on their own: how the live session's word folds into localize's
ranking, the call text of a generated test, and the entry probe the session is asked for."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.evidence.reports.model import HypothesisEntry, Location
from dap_proxy.experiments.models import LocalizeReport
from dap_proxy.hypotheses.models import CodeLocation, Hypothesis, HypothesisCategory
from dap_proxy.live.protocol import DecidingEvidence, HypothesisView, LocationView, PredictionView
from dap_proxy.workflow.assemble import live_verdicts, merge_live
from dap_proxy.workflow.probes import plan_probes
from dap_proxy.workflow.regression import _arguments

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shopping_cart"
BRANCH = "at cart.py:28, when `count == BULK_THRESHOLD` the branch is not taken"


def entry(hid: str, probability: float, line: int) -> HypothesisEntry:
    return HypothesisEntry(
        id=hid, statement=f"the fault is on cart.py:{line}", probability=probability,
        status="open", category="logic_error", pattern="unknown", engine="localize",
        locations=[Location(file="cart.py", line=line)],
    )  # fmt: skip


def view(hid: str, probability: float, line: int, statement: str | None = None) -> HypothesisView:
    return HypothesisView(
        id=hid, statement=statement or f"the fault is on cart.py:{line}",
        probability=probability, status="confirmed" if probability > 80 else "open",
        category="logic_error", pattern="unknown", engine="localize",
        locations=[LocationView(file="cart.py", line=line)],
        predictions=[PredictionView(
            id=f"{hid}.1", kind="branch", file="cart.py", line=line, description=BRANCH,
            verdict="held", observations=2,
        )] if probability > 80 else [],
        decided_by=[
            DecidingEvidence(observation="spectra: ran in 2 of 2 failing tests", source="spectra",
                             at="2026-01-01T00:00:01+00:00", supports=True),
            DecidingEvidence(observation=f"{BRANCH}: the boundary case was not taken",
                             source="experiment", at="2026-01-01T00:00:02+00:00", supports=True),
        ],
    )  # fmt: skip


def test_the_live_session_tested_these_hypotheses_so_its_probabilities_stand() -> None:
    entries = [entry("H1", 40.0, 7), entry("H2", 35.0, 28)]
    adopted = merge_live(entries, [view("H1", 9.0, 7), view("H2", 88.0, 28)], at=5.0)
    assert adopted
    assert [(e.id, e.probability, e.status) for e in entries] == [
        ("H2", 88.0, "confirmed"),
        ("H1", 9.0, "open"),
    ]
    assert entries[0].predictions[0].verdict == "held"
    # only the live session's own verdicts are marked live, not the evidence it was given
    assert entries[0].decided_by == [f"live: {BRANCH}: the boundary case was not taken"]


def test_other_live_hypotheses_lend_their_verdict_by_place_only() -> None:
    entries = [entry("H1", 40.0, 28)]
    room_own = view("H1", 88.0, 28, statement="`count > BULK_THRESHOLD` gets the boundary wrong")
    assert not merge_live(entries, [room_own], at=5.0)
    assert entries[0].probability == 40.0  # the ranking stays localize's
    assert "live session: H1 confirmed" in entries[0].decided_by


def test_live_verdicts_are_the_observations_that_decided_a_prediction() -> None:
    [verdict] = live_verdicts(view("H2", 88.0, 28))
    assert verdict.observation.startswith(BRANCH)


def test_a_generated_call_passes_each_argument_as_its_parameter_takes_it() -> None:
    case = {"a": "1", "rest": "(2, 3)", "key": "'k'", "options": "{'x': 1}"}
    kinds = {"a": "POSITIONAL_ONLY", "rest": "VAR_POSITIONAL", "key": "KEYWORD_ONLY",
             "options": "VAR_KEYWORD"}  # fmt: skip
    assert _arguments(case, kinds) == "1, *(2, 3), key='k', **{'x': 1}"
    assert _arguments({"items": "[(1.0, 10)]"}, {}) == "items=[(1.0, 10)]"


def test_the_entry_probe_names_the_suspect_functions_parameters() -> None:
    top = Hypothesis(
        id="H1", statement="cart.py:28 is the fault", category=HypothesisCategory.LOGIC_ERROR,
        probability=60.0, locations=[CodeLocation(file="cart.py", line=28)],
    )  # fmt: skip
    [probe] = plan_probes(LocalizeReport(suggestions=[], hypotheses=[top]), EXAMPLE)
    assert (Path(probe.file).name, probe.line, probe.log_message) == (
        "cart.py",
        27,
        "items={items}",
    )
    assert probe.hypothesis == "H1" and "`discount`" in probe.why
    at_module_level = top.model_copy(update={"locations": [CodeLocation(file="cart.py", line=7)]})
    assert plan_probes(LocalizeReport(suggestions=[], hypotheses=[at_module_level]), EXAMPLE) == []
