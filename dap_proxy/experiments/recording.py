"""Recording localize's hypotheses and experiments in the workspace store (.smart-debug/, evidence
room), when the store exists. Never fails the command because of it: the ranking is already
printed."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.experiments.models import LocalizeReport

MAX_RECORDED = 500  # experiments stored per run (mutant runs can be many)


def record(workspace: Path, report: LocalizeReport) -> int | None:
    """The store session id the experiments were recorded under, or None."""
    if not (workspace / ".smart-debug").is_dir():
        return None
    from dap_proxy.evidence.store import Store

    try:
        with Store.open(workspace) as store:
            session = store.new_session("localize", f"localize: {report.command}")
            # The hypotheses too: the language server shows them as lenses, with fix hints.
            store.save_hypotheses(session, report.hypotheses, "localize")
            for experiment in report.experiments[:MAX_RECORDED]:
                store.record_experiment(session, experiment)
            return session
    except Exception:  # the store is a convenience here
        return None
