"""Environment hints in what a user pastes, beyond the analysis room's `extract_environment`:
package pins, environment variable NAMES (never their values) and change notes ("after upgrading
X", "since the deploy"), read from the prose (tracebacks removed)."""

from __future__ import annotations

import re

from dap_proxy.hypotheses.models import EnvironmentHints

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


def environment_from_prose(text: str) -> EnvironmentHints:
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
