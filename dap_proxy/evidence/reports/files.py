"""Where reports live and how they are written: `.smart-debug/reports/<time>-<slug>.{md,json,html}`,
all three from one `RunReport`; the latest report; a report read back (for `verify`)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from dap_proxy.evidence.reports.html import render_html
from dap_proxy.evidence.reports.markdown import render_markdown
from dap_proxy.evidence.reports.model import REPORT_VERSION, RunReport
from dap_proxy.evidence.store import REPORTS_DIR, STORE_DIR

SLUG_WORDS = 6


class ReportError(ValueError):
    """A report cannot be read; the message says which file and why."""


def slugify(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:SLUG_WORDS]
    return "-".join(words) or "session"


def report_stem(created: datetime, slug: str) -> str:
    return f"{created.astimezone(timezone.utc).strftime('%Y%m%d-%H%M%S')}-{slug}"


def reports_dir(workspace: Path) -> Path:
    return workspace / STORE_DIR / REPORTS_DIR


def write_report(report: RunReport, folder: Path, stem: str | None = None) -> Path:
    """Write the three files (atomically each: a reader never sees half a report); returns the
    JSON file's path. `stem` defaults to `<time>-<slug>` from the report."""
    folder.mkdir(parents=True, exist_ok=True)
    if stem is None:
        stem = report_stem(datetime.fromisoformat(report.created_at), report.slug)
    outputs = {
        ".json": json.dumps(report.model_dump(mode="json"), indent=2) + "\n",
        ".md": render_markdown(report),
        ".html": render_html(report),
    }
    for suffix, text in outputs.items():
        target = folder / f"{stem}{suffix}"
        temporary = target.with_suffix(suffix + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    return folder / f"{stem}.json"


def latest_report(workspace: Path) -> Path | None:
    found = sorted(reports_dir(workspace).glob("*.json"))
    return found[-1] if found else None


def read_report(path: Path) -> RunReport:
    if path.suffix in (".md", ".html"):
        path = path.with_suffix(".json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"cannot read the report {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path} is not a report (invalid JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("version") != REPORT_VERSION:
        version = data.get("version") if isinstance(data, dict) else None
        raise ReportError(
            f"{path} has report format version {version!r}; this smart-debug reads version "
            f"{REPORT_VERSION}"
        )
    try:
        return RunReport.model_validate(data)
    except ValidationError as exc:
        raise ReportError(f"{path} is not a valid report: {exc.errors()[0]['msg']}") from exc


def schema() -> dict[str, object]:
    return RunReport.model_json_schema()
