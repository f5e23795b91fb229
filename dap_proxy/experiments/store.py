"""Recording localize's experiments in the workspace store (.smart-debug/), when the evidence
room's store module is available and the store exists. Never fails the command because of it."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.experiments.models import LocalizeReport


def record(workspace: Path, report: LocalizeReport) -> bool:
    """True when the report's experiments were stored."""
    if not (workspace / ".smart-debug").is_dir():
        return False
    try:
        from dap_proxy.evidence.store import Store  # type: ignore[import-not-found]
    except ImportError:
        return False
    try:
        store = Store.open(workspace)
        recorder = getattr(store, "record_experiment", None)
        if recorder is None:
            return False
        for experiment in report.experiments:
            recorder(experiment.model_dump(mode="json"))
        return True
    except Exception:  # the store is a convenience here; the ranking was already printed
        return False
