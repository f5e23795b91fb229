"""The end of a run: the failure as seen, the hypotheses and their history, the strategy, what
else the fault touches, the regression test, the store (session, hypotheses, outcome, "seen
before"), and the three report files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dap_proxy.evidence.reports.files import report_stem, reports_dir, slugify, write_report
from dap_proxy.evidence.reports.model import Failure, PastSession, RunReport
from dap_proxy.hypotheses.context import build_context
from dap_proxy.hypotheses.engine import generate_offline
from dap_proxy.hypotheses.models import FailureContext, Hypothesis
from dap_proxy.hypotheses.probability import other_probability
from dap_proxy.hypotheses.redaction import redact
from dap_proxy.hypotheses.strategy import select_strategy
from dap_proxy.workflow import assemble
from dap_proxy.workflow.run import EXIT_NEVER_FAILED, EXIT_OK, RunState
from dap_proxy.workflow.target import Target

if TYPE_CHECKING:
    from dap_proxy.evidence.store import Store

MAX_FAILURE_TEXT = 4_000  # characters of failure output kept in the report


def failure_text(state: RunState) -> str:
    """What the failure printed: the user's --traceback, else the observing run's output."""
    output = state.observation.output
    if state.options.traceback:
        return state.options.traceback
    return output[-200_000:]


def _failure(
    state: RunState, target: object, context: FailureContext, why: str, code: int
) -> Failure:
    observation = state.observation
    parsed = context.failure
    final = parsed.final
    localized = state.localized
    failing = list(parsed.failing_tests)
    if code == 4:
        kind = "not started"
    elif observation.hung or context.hang:
        kind = "hang"
    elif final is not None and final.type not in ("AssertionError",) and not failing:
        kind = "crash"
    elif failing or (localized is not None and localized.failing):
        kind = (
            "crash"
            if final is not None and final.type not in ("AssertionError",)
            else "wrong result"
        )
    elif final is not None:
        kind = "crash"
    else:
        kind = "none"
    text = failure_text(state)
    return Failure(
        signature=context.signature() if final or failing else "",
        type=final.type if final else ("Hang" if kind == "hang" else None),
        message=final.message if final else why,
        failing_tests=failing,
        tests=localized.tests if localized is not None else len(failing),
        kind=kind,  # type: ignore[arg-type]
        text=redact(text[-MAX_FAILURE_TEXT:]).text if kind != "none" else "",
    )


def _hang_text(state: RunState) -> str:
    stack = state.observation.hang_stack
    if not stack:
        return ""
    where = "\n".join(
        f'  File "{file}", line {line}, in {name}' for name, file, line in reversed(stack)
    )
    return (
        f"The program hangs: it was still running after the {state.options.budget:g}s budget.\n"
        f"Traceback (most recent call last):\n{where}\nTimeoutError: the program did not finish"
    )


def _exception_text(state: RunState) -> str:
    """The first uncaught-exception stop as a traceback (the program's own may have been cut
    from a flood of output, or never printed)."""
    stop = next((s for s in state.observation.stops if s.reason == "exception"), None)
    if stop is None or not stop.exception:
        return ""
    where = "\n".join(
        f'  File "{file}", line {line}, in {name}' for name, file, line in reversed(stop.frames)
    )
    return f"Traceback (most recent call last):\n{where}\n{stop.exception}"


def build_and_write(
    state: RunState, target: object, code: int, why: str
) -> tuple[int, RunReport | None, Path | None]:
    options = state.options
    observation = state.observation
    captured = _exception_text(state) or _hang_text(state)
    text = "\n".join(x for x in (options.issue, captured or failure_text(state)) if x)
    context = build_context(text, options.cwd)
    failure = _failure(state, target, context, why, code)
    hypotheses: list[Hypothesis] = []
    live_views = observation.view.hypotheses.hypotheses if observation.view.hypotheses else []
    if state.localized is not None and state.localized.hypotheses:
        hypotheses = state.localized.hypotheses
        entries = assemble.from_hypotheses(hypotheses, state.localize_at)
        assemble.merge_live(entries, live_views, state.now())
    elif live_views:
        entries = assemble.from_live(live_views, state.now())
    elif failure.kind not in ("none", "not started"):
        hypotheses = generate_offline(context)
        entries = assemble.from_hypotheses(hypotheses, state.now())
    else:
        entries = []
    if code == EXIT_OK and not entries:
        code = EXIT_NEVER_FAILED if failure.kind == "none" else code
    other = (
        round(observation.view.hypotheses.other, 1)
        if not hypotheses and observation.view.hypotheses
        else other_probability(hypotheses)
        if hypotheses
        else 100.0
    )
    command_kind = target.kind if isinstance(target, Target) else "script"
    title = (
        f"{failure.type}: {failure.message}"[:120]
        if failure.type
        else f"{len(failure.failing_tests)} failing test(s)"
        if failure.failing_tests
        else f"run: {' '.join(options.command)}"[:120]
    )
    report = RunReport(
        title=title,
        slug=slugify(f"{failure.type or ''} {failure.message or ' '.join(options.command)}"),
        created_at=state.wall_start.isoformat(),
        workspace=str(options.cwd),
        command=options.command,
        command_kind=command_kind,
        exit_code=code,
        seconds=state.now(),
        interrupted=state.interrupted,
        live=observation.live,
        failure=failure,
        hypotheses=entries,
        other_probability=other,
        timeline=sorted(
            [*state.timeline, *assemble.live_timeline(observation, state.wall_start, options.cwd)],
            key=lambda t: t.at,
        ),
        evidence=assemble.evidence_entries(observation, state.wall_start, options.cwd, 0.0),
        probes=assemble.probe_entries(observation, options.cwd),
        code=assemble.code_excerpts(entries, options.cwd),
        strategy=assemble.strategy_table(select_strategy(context)),
        notes=[*state.notes, *(state.localized.notes if state.localized else [])],
    )
    if why and code not in (EXIT_OK,):
        report.notes.append(why)
    if entries:
        _impact(report, state, context)
    _store(report, state, context, hypotheses)
    if not options.report:
        return code, report, None
    folder = reports_dir(options.cwd)
    stem = report_stem(state.wall_start, report.slug)
    if entries and code == EXIT_OK and not state.interrupted:
        from dap_proxy.workflow.regression import regression_for

        report.regression = regression_for(
            report, state, folder / f"{stem}-regression", options.write_test
        )
    path = write_report(report, folder, stem)
    return code, report, path


def _impact(report: RunReport, state: RunState, context: FailureContext) -> None:
    from dap_proxy.hypotheses.impact import impact_of

    try:
        report.impact = impact_of(report.hypotheses, report.failure, state.options.cwd)
    except Exception as exc:  # noqa: BLE001 - the report stands without this section
        report.notes.append(f"impact analysis failed: {exc}")


def _store(
    report: RunReport, state: RunState, context: FailureContext, hypotheses: list[Hypothesis]
) -> None:
    from dap_proxy.evidence.store import Store, StoreError

    try:
        with Store.open(state.options.cwd) as store:
            similar = store.similar_to(context, limit=3)
            report.seen_before = [
                PastSession(
                    session_id=s.session_id,
                    title=s.title,
                    created_at=s.created_at,
                    root_cause=s.root_cause,
                    outcome=s.outcome,
                    match=s.match,
                )  # fmt: skip
                for s in similar
                if s.root_cause or s.outcome
            ]
            session = store.new_session("run", report.title[:200], context)
            if hypotheses:
                store.save_hypotheses(session, hypotheses, "run")
            if state.localized is not None:
                for experiment in state.localized.experiments[:500]:
                    store.record_experiment(session, experiment)
            top = report.hypotheses[0] if report.hypotheses else None
            store.set_outcome(
                session,
                f"{top.id} {top.status} {top.probability:.0f}%: {top.statement}"[:300]
                if top
                else f"exit {report.exit_code}",
            )
            report.session_id = session
            if state.observation.view.hypotheses is not None:
                report.debug_session_id = state.observation.view.hypotheses.session
                _live_history(report, store, state)
    except StoreError as exc:
        report.notes.append(f"the store is unavailable: {exc}")


def _live_history(report: RunReport, store: Store, state: RunState) -> None:
    if report.debug_session_id is None:
        return
    changes = [
        (c.hypothesis_id, c.new_probability, c.reason, c.at)
        for c in store.probability_history(report.debug_session_id)
    ]
    assemble.add_history(report.hypotheses, changes, state.wall_start)
