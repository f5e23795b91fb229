"""A minimal private reader for Python tracebacks, pytest output and environment hints, used only
while (or if) the analysis room's `traceback.py` / `failure_context.py` are not importable."""

from __future__ import annotations

import re
from pathlib import Path

from dap_proxy.analysis.models import ExceptionInfo, Frame, ParsedFailure
from dap_proxy.hypotheses.models import EnvironmentHints

_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?\s*$')
_PYTEST_FRAME = re.compile(r"^(?P<file>[^\s:][^:]*\.py):(?P<line>\d+): (?P<type>[\w.]+)\s*$")
_EXC = re.compile(
    r"^(?:E\s+)?(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Iteration|Warning|Expired|Timeout|Fault))(?::\s?(?P<msg>.*))?$"
)
_FAILED = re.compile(r"^FAILED (?P<node>\S+::\S+)")
_CARETS = re.compile(r"^\s*[\^~]+\s*$")
_CHAIN = ("During handling of the above exception", "The above exception was the direct cause")
_LIBRARY = ("site-packages", "dist-packages", "/lib/python", "<frozen", "<string>", "node_modules")


def strip_tracebacks(text: str) -> str:
    """The prose of a text: traceback frame lines, their code lines and carets removed."""
    kept, skip_next = [], False
    for line in text.splitlines():
        if _FRAME.match(line) or _PYTEST_FRAME.match(line):
            skip_next = True
            continue
        if skip_next and line.startswith("    "):
            continue
        skip_next = False
        if not _CARETS.match(line):
            kept.append(line)
    return "\n".join(kept)


def map_to_workspace(file: str, workspace: Path) -> str | None:
    """The absolute resolved path when the file lives in the workspace (as the analysis room's
    `map_frame` does)."""
    if file.startswith("<"):
        return None
    path = Path(file)
    candidates = [path] if path.is_absolute() else [workspace / path]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
            rel = resolved.relative_to(workspace)
        except (OSError, ValueError):
            continue
        if resolved.is_file() and rel:
            return str(resolved)
    return None


def _frame(file: str, line: int, func: str | None, workspace: Path) -> Frame:
    rel = map_to_workspace(file, workspace)
    is_library = rel is None and any(marker in file for marker in _LIBRARY)
    return Frame(file=file, line=line, function=func, workspace_path=rel, is_library=is_library)


def parse_failure(text: str, workspace: Path) -> ParsedFailure:
    """Python tracebacks (chained ones too) and pytest's short form, innermost frame last."""
    result = ParsedFailure()
    frames: list[Frame] = []
    lines = text.splitlines()
    for index, raw in enumerate(lines):
        line = raw.rstrip()
        if any(line.startswith(marker) for marker in _CHAIN):
            frames = []
            continue
        if match := _FAILED.match(line):
            result.failing_tests.append(match.group("node"))
            continue
        if match := _FRAME.match(line):
            frames.append(_frame(match["file"], int(match["line"]), match["func"], workspace))
            following = lines[index + 1] if index + 1 < len(lines) else ""
            is_code = following.startswith("    ") and not _FRAME.match(following)
            if is_code and not _CARETS.match(following):
                frames[-1].code = following.strip()
            continue
        if match := _PYTEST_FRAME.match(line):
            # pytest's `path:line: Type` closes one failure's section.
            frames.append(_frame(match["file"], int(match["line"]), None, workspace))
            last = result.exceptions[-1] if result.exceptions else None
            if last is not None and last.type == match["type"] and not last.frames:
                last.frames = frames
            else:
                message = result.assertion or ""
                result.exceptions.append(
                    ExceptionInfo(type=match["type"], message=message, frames=frames)
                )
            frames = []
            continue
        if line.startswith("E ") and result.assertion is None:
            result.assertion = line[1:].strip()
        if (match := _EXC.match(line)) and (
            frames or line.startswith("E ") or not raw[:1].isspace()
        ):
            exc_type = match["type"]
            message = (match["msg"] or "").strip()
            # pytest prints the same exception as `E   Type: msg` then `file:line: Type`; keep one.
            last = result.exceptions[-1] if result.exceptions else None
            if last and last.type == exc_type and (not message or last.message == message):
                if frames:
                    last.frames = frames
                frames = []
                continue
            result.exceptions.append(ExceptionInfo(type=exc_type, message=message, frames=frames))
            frames = []
    if frames and result.exceptions and not result.exceptions[-1].frames:
        result.exceptions[-1].frames = frames
    elif frames and not result.exceptions:
        # Frames without an exception line (e.g. a stack dumped on a hang).
        result.exceptions.append(ExceptionInfo(type="Traceback", message="", frames=frames))
    return result


_PY_VERSION = re.compile(r"\b(?:python|cpython|py)\s*(\d\.\d{1,2}(?:\.\d+)?)\b", re.IGNORECASE)
_PLATFORM = re.compile(
    r"\b(ubuntu[\s\d.]*|debian|alpine|centos|windows(?: \d+)?|macos[\s\d.]*|os x|linux|docker|"
    r"kubernetes|k8s|wsl2?)\b",
    re.IGNORECASE,
)
# `name==1.2`, `name@1.2`, or `name 1.2.3` (three parts, so "Ubuntu 22.04" is not a package).
_PACKAGE = re.compile(
    r"\b([A-Za-z][\w.-]*)(?:\s*(?:==|@)\s*v?(\d+\.\d+(?:\.\d+)?)|\s+v?(\d+\.\d+\.\d+))\b"
)
_ENV_VAR = re.compile(
    r"(?:\$\{?|\benv(?:ironment)?(?: var(?:iable)?)?\s+)?\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b"
)
_DEPLOY = (
    ("production", re.compile(r"\b(production|prod|live site|in prod)\b", re.IGNORECASE)),
    ("staging", re.compile(r"\bstaging\b", re.IGNORECASE)),
    (
        "ci",
        re.compile(r"\b(ci|github actions|gitlab ci|jenkins|on the build server)\b", re.IGNORECASE),
    ),
    ("local", re.compile(r"\b(locally|on my (?:machine|laptop))\b", re.IGNORECASE)),
)
_NOTES = re.compile(
    r"[^.\n]*\b(after (?:upgrading|updating|the deploy|deploying|migrat\w+)|since (?:the )?"
    r"(?:upgrade|update|deploy|release|migration)|feature flag|config(?:uration)? change)\b[^.\n]*",
    re.IGNORECASE,
)


def environment(text: str) -> EnvironmentHints:
    """Versions, platform, env var NAMES (never values), deployment and change notes."""
    hints = EnvironmentHints()
    if match := _PY_VERSION.search(text):
        hints.python_version = match.group(1)
    if match := _PLATFORM.search(text):
        hints.platform = match.group(1).strip()
    for name, pinned, loose in _PACKAGE.findall(text):
        version = pinned or loose
        if name.lower() not in {"python", "cpython", "py", "line", "version", "v"}:
            hints.packages.setdefault(name, version)
    for name in _ENV_VAR.findall(text):
        if name not in hints.env_vars:
            hints.env_vars.append(name)
    for label, pattern in _DEPLOY:
        if pattern.search(text):
            hints.deployment = label
            break
    hints.notes = [m.group(0).strip()[:160] for m in _NOTES.finditer(text)][:5]
    return hints
