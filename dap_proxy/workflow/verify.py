"""`smart-debug verify [REPORT]`: the brief's post-fix validation. Re-runs the failing tests (or
the failing command), the generated regression test, re-observes the top hypothesis through the
proxy's live session (its predictions must no longer hold) and runs the whole test command for
new failures. The verdict table is appended to the report (all three files) and the store.
Exit 0 only when the original failure is gone and nothing new fails."""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dap_proxy.analysis.traceback import parse_failure
from dap_proxy.evidence.reports.files import ReportError, latest_report, read_report, write_report
from dap_proxy.evidence.reports.model import RunReport, VerdictRow, Verification

DEFAULT_BUDGET = 120.0  # seconds for each re-run
EXIT_FIXED, EXIT_NOT_FIXED, EXIT_USAGE = 0, 1, 2


def _python(report: RunReport) -> str:
    from dap_proxy.workflow.target import read_target

    try:
        return read_target(report.command, Path(report.workspace)).python
    except Exception:  # noqa: BLE001 - fall back to ours
        return sys.executable


def _run(argv: list[str], cwd: Path, budget: float) -> tuple[int | None, str]:
    try:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=budget, errors="replace"
        )
    except subprocess.TimeoutExpired:
        return None, f"still running after {budget:g}s"
    except OSError as exc:
        return None, f"could not run: {exc}"
    return done.returncode, done.stdout + done.stderr


def _pytest(report: RunReport, args: list[str], budget: float) -> tuple[int | None, str]:
    return _run(
        [_python(report), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        Path(report.workspace),
        budget,
    )


def verify(report: RunReport, budget: float) -> Verification:
    cwd = Path(report.workspace)
    rows: list[VerdictRow] = []
    failing = report.failure.failing_tests
    if report.command_kind == "tests" and failing:
        code, out = _pytest(report, failing, budget)
        ok = code == 0
        rows.append(VerdictRow(check="the failing tests", result="pass" if ok else "fail",
                               detail=f"{len(failing)} test(s) " + ("pass now" if ok else f"still fail: {_last(out)}")))  # fmt: skip
    else:
        code, out = _run(report.command, cwd, budget)
        ok = code == 0 and "Traceback (most recent call last)" not in out
        detail = (
            "exits 0 without a traceback"
            if ok
            else (f"exit {code}: {_last(out)}" if code is not None else out)
        )
        rows.append(
            VerdictRow(check="the failing command", result="pass" if ok else "fail", detail=detail)
        )
    regression = report.regression
    if regression is not None and regression.status == "written" and regression.path:
        path = cwd / regression.path
        code, out = (
            _pytest(report, [str(path)], budget) if path.is_file() else (None, "the file is gone")
        )
        rows.append(VerdictRow(check="the regression test", result="pass" if code == 0 else "fail",
                               detail=f"{regression.path}: " + ("passes" if code == 0 else _last(out))))  # fmt: skip
    else:
        rows.append(
            VerdictRow(check="the regression test", result="skipped", detail="none was written")
        )
    rows.append(_reobserve(report, budget))
    if report.command_kind == "tests":
        code, out = _run(report.command, cwd, budget)
        now = set(parse_failure(out, cwd).failing_tests) if code not in (0, None) else set()
        new = sorted(now - set(failing))
        if code is None:
            rows.append(VerdictRow(check="the whole test command", result="fail", detail=out))
        else:
            rows.append(VerdictRow(check="the whole test command", result="fail" if new or (code and not now) else "pass",
                                   detail=f"new failures: {', '.join(new)}" if new else f"exit {code}; no new failure"))  # fmt: skip
    fixed = rows[0].result == "pass" and not any(r.result == "fail" for r in rows)
    return Verification(
        at=datetime.now(timezone.utc).isoformat(timespec="seconds"), ok=fixed, rows=rows
    )


def _last(text: str) -> str:
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1][:200] if lines else "(no output)"


def _reobserve(report: RunReport, budget: float) -> VerdictRow:
    """The top hypothesis's predictions, checked by the live session on a fresh run."""
    from dap_proxy.headless import HeadlessError, HeadlessSession, LiveUnavailable
    from dap_proxy.workflow.target import read_target

    check = "the top hypothesis no longer holds"
    top = report.hypotheses[0] if report.hypotheses else None
    if top is None:
        return VerdictRow(check=check, result="skipped", detail="the report has no hypothesis")
    cwd = Path(report.workspace)
    target = read_target(report.command, cwd)
    smart: dict[str, object] = {"workspace": str(cwd)}
    if report.debug_session_id is not None:
        # the hypotheses the live session ended with, their predictions as recorded then
        smart["session"] = report.debug_session_id
    else:
        smart.update({"traceback": report.failure.text, "issue": top.statement})
    session = HeadlessSession.spawn(cwd=cwd)
    try:
        session.begin(
            target.launch(
                cwd, smart, fast=target.kind == "tests", only=report.failure.failing_tests or None
            )
        )
        try:
            session.probes()
        except LiveUnavailable:
            session.configure()
            session.wait_ended(budget)
            return VerdictRow(
                check=check, result="skipped", detail="the proxy's live session did not answer"
            )

        def probes(s: HeadlessSession) -> None:
            for probe in report.probes:
                if probe.detail and probe.status != "refused":
                    with contextlib.suppress(HeadlessError):  # refused now: the rest still run
                        s.add_probe(str(cwd / probe.file), probe.line, log_message=probe.detail)

        session.configure(before_configuration_done=probes)
        session.wait_ended(budget)
        live = session.live.hypotheses
    except HeadlessError as exc:
        return VerdictRow(check=check, result="skipped", detail=f"the session failed: {exc}")
    finally:
        session.close()
    if live is None:
        return VerdictRow(check=check, result="skipped", detail="no live hypotheses arrived")
    places = {(x.file, x.line) for x in top.locations}
    held = [
        p
        for h in live.hypotheses
        if places & {(x.file, x.line) for x in h.locations}
        for p in h.predictions
        if p.verdict == "held"
    ]
    if held:
        return VerdictRow(
            check=check, result="fail", detail=f"still observed: {held[0].description}"
        )
    return VerdictRow(
        check=check, result="pass", detail=f"no prediction of {top.id} holds on the fixed code"
    )


def record(report: RunReport, verification: Verification) -> str:
    from dap_proxy.evidence.store import Store, StoreError

    verdict = "verified fixed" if verification.ok else "not fixed"
    top = report.hypotheses[0].statement if report.hypotheses else report.title
    try:
        with Store.open(Path(report.workspace)) as store:
            session = store.new_session("verify", f"verify: {report.title}"[:200])
            store.set_outcome(session, f"{verdict} ({verification.at})")
            if report.session_id is not None:
                store.set_outcome(report.session_id, f"{verdict} {verification.at}: {top}"[:300])
                if verification.ok:
                    store.set_root_cause(report.session_id, top)
    except StoreError as exc:
        return f"the store is unavailable: {exc}"
    return ""


def main(args: argparse.Namespace) -> int:
    err = Console(stderr=True)
    path = Path(args.report) if args.report else latest_report(Path.cwd())
    if path is None:
        err.print(
            "[red]smart-debug verify:[/] no report in .smart-debug/reports/: run `smart-debug run -- ...` first, or give a report file"
        )
        return EXIT_USAGE
    try:
        report = read_report(path)
    except ReportError as exc:
        err.print(f"[red]smart-debug verify:[/] {escape(str(exc))}")
        return EXIT_USAGE
    with err.status(
        "smart-debug verify: re-running the failure, the regression test and the tests"
    ):
        verification = verify(report, args.budget or DEFAULT_BUDGET)
    report.verifications.append(verification)
    note = record(report, verification)
    if note:
        report.notes.append(note)
    json_path = path.with_suffix(".json")
    write_report(report, json_path.parent, json_path.stem)
    console = Console(highlight=False)
    table = Table(title=f"verify {json_path.name}")
    for column in ("check", "result", "detail"):
        table.add_column(column)
    for row in verification.rows:
        colour = {"pass": "green", "fail": "red"}.get(row.result, "yellow")
        table.add_row(row.check, f"[{colour}]{row.result}[/]", escape(row.detail))
    console.print(table)
    console.print(
        f"verdict: {'[green]fixed[/]' if verification.ok else '[red]not fixed[/]'} (appended to {json_path.with_suffix('.md')})"
    )
    return EXIT_FIXED if verification.ok else EXIT_NOT_FIXED
