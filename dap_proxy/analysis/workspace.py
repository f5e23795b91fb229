"""Map frames parsed from failure output to files in the workspace (issue 3: "map frames to files in
the workspace") and tell project code from library code (site-packages, the stdlib, node_modules,
Node internals), so hypotheses and probes aim at the user's own code."""

from __future__ import annotations

import os
import re
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from dap_proxy.analysis.models import Frame

# Folders that never hold the user's own code; the index skips them for suffix matching.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "dist-packages",
        ".smart-debug",
    }
)
MAX_INDEXED_FILES = 50_000  # a monorepo larger than this is matched by direct paths only

_LIBRARY_PARTS = frozenset({"site-packages", "dist-packages", "node_modules"})
# A stdlib path from another machine: .../lib/python3.11/json/decoder.py, ...\Lib\json\...
_FOREIGN_STDLIB = re.compile(
    r"(?:^|[\\/])lib[\\/]python\d+(?:\.\d+)?[\\/]|(?:^|[\\/])python\d{2,3}[\\/]lib[\\/]",
    re.IGNORECASE,
)
# pseudo files of runtime code; `<string>` / `<stdin>` / `Cell In[3]` are the user's own
_PSEUDO_FILES = ("<frozen ", "<built-in", "<anonymous>", "<native>", "<index ")
_SPLIT = re.compile(r"[\\/]+")
# pytest's conventions: test_*.py, *_test.py, conftest.py, and whatever sits in a test folder
TEST_DIR_NAMES = frozenset({"tests", "test", "testing"})
# folders inside a project that hold other people's code
_LIBRARY_DIRS = frozenset(
    {"site-packages", "dist-packages", ".venv", "venv", "node_modules", ".tox"}
)
MAX_PROJECT_FILES = 5_000  # Python files listed per project (a monorepo is cut here)


def is_test_path(rel: str) -> bool:
    """A test file (or conftest) by pytest's naming conventions and test folders; `rel` is
    relative to the project root, with / or the OS separator."""
    parts = rel.replace("\\", "/").split("/")
    name = parts[-1]
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in TEST_DIR_NAMES for part in parts[:-1])


def project_python_files(root: Path) -> tuple[list[str], list[str]]:
    """The project's own Python files under `root` as (code, tests), relative POSIX paths,
    sorted; virtualenvs, dependency folders, caches and dot folders are left out."""
    code: list[str] = []
    tests: list[str] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and d not in _LIBRARY_DIRS and d != "__pycache__"
        )  # fmt: skip
        base = Path(directory).relative_to(root)
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            rel = (base / name).as_posix()
            (tests if is_test_path(rel) else code).append(rel)
            if len(code) + len(tests) >= MAX_PROJECT_FILES:
                return code, tests
    return code, tests


def file_url_to_path(file: str) -> str:
    """`file:///app/x.mjs` (Node ESM frames) -> `/app/x.mjs`; anything else unchanged."""
    if not file.startswith("file://"):
        return file
    path = unquote(urlparse(file).path)
    # file:///C:/x -> /C:/x on Windows-style URLs
    if re.match(r"^/[A-Za-z]:/", path):
        path = path[1:]
    return path


@lru_cache(maxsize=1)
def _stdlib_roots() -> tuple[str, ...]:
    """Where this interpreter's standard library lives (the venv's too), normalised with a slash."""
    roots: set[str] = set()
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib"):
        if paths.get(key):
            roots.add(os.path.normpath(paths[key]))
    base = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    roots.add(os.path.normpath(base))
    return tuple(r.rstrip("/\\") + os.sep for r in roots)


def is_library_path(file: str) -> bool:
    """True for code the user did not write: installed packages, the stdlib, Node internals."""
    if not file:
        return False
    if file.startswith("node:") or file.startswith(_PSEUDO_FILES):
        return True
    path = file_url_to_path(file)
    parts = _SPLIT.split(path)
    if any(p in _LIBRARY_PARTS for p in parts):
        return True
    normalised = os.path.normpath(path) if os.path.isabs(path) else path
    if any(normalised.startswith(root) for root in _stdlib_roots()):
        return True
    return bool(_FOREIGN_STDLIB.search(path))


class WorkspaceIndex:
    """The workspace's files by base name, built on first use, for longest-suffix matching of paths
    that come from another machine or a container (`/app/src/cart.py` -> `<ws>/src/cart.py`)."""

    def __init__(self, workspace: Path) -> None:
        self.root = workspace.resolve()
        self._by_name: dict[str, list[tuple[str, ...]]] | None = None

    def _build(self) -> dict[str, list[tuple[str, ...]]]:
        by_name: dict[str, list[tuple[str, ...]]] = {}
        count = 0
        for dirpath, dirnames, filenames in os.walk(self.root):
            # pruning in place keeps os.walk out of virtualenvs and dependency folders
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
            rel = Path(dirpath).relative_to(self.root).parts
            for name in filenames:
                by_name.setdefault(name, []).append((*rel, name))
                count += 1
                if count >= MAX_INDEXED_FILES:
                    return by_name
        return by_name

    def best_suffix_match(self, parts: list[str]) -> Path | None:
        """The one workspace file sharing the longest trailing run of path parts with `parts`;
        None when there is no match or the best match is a tie (ambiguous `__init__.py`)."""
        if not parts:
            return None
        if self._by_name is None:
            self._by_name = self._build()
        candidates = self._by_name.get(parts[-1], [])
        best: tuple[str, ...] | None = None
        best_len = 0
        tie = False
        for cand in candidates:
            n = 0
            while n < len(cand) and n < len(parts) and cand[-1 - n] == parts[-1 - n]:
                n += 1
            if n > best_len:
                best, best_len, tie = cand, n, False
            elif n == best_len:
                tie = True
        if best is None or tie:
            return None
        return self.root.joinpath(*best)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def resolve_in_workspace(
    file: str, workspace: Path, index: WorkspaceIndex | None = None
) -> Path | None:
    """The workspace file a traceback path names: by absolute path, by path relative to the
    workspace, or by the longest suffix of its parts (paths from another machine)."""
    if not file or file.startswith("node:") or file.startswith("<"):
        return None
    path_text = file_url_to_path(file)
    root = index.root if index is not None else workspace.resolve()
    try:
        direct = Path(path_text)
        candidate = direct if direct.is_absolute() else root / direct
        if candidate.is_file():
            resolved = candidate.resolve()
            if _inside(resolved, root):
                return resolved
        parts = [p for p in _SPLIT.split(path_text) if p and p not in (".", "..")]
        if parts and re.match(r"^[A-Za-z]:$", parts[0]):
            parts = parts[1:]  # a Windows drive letter
        # cheap checks first: drop leading parts until the rest (two parts at least, so a lone
        # base name is left to the index, which refuses ambiguous ones) exists in the workspace
        for start in range(1, len(parts) - 1):
            candidate = root.joinpath(*parts[start:])
            if candidate.is_file():
                return candidate.resolve()
        if is_library_path(path_text):
            return None  # a library file is never guessed by its base name alone
        return (index or WorkspaceIndex(root)).best_suffix_match(parts)
    except (OSError, ValueError):
        # unreadable, too long or malformed paths simply do not map
        return None


def map_frame(frame: Frame, workspace: Path | None, index: WorkspaceIndex | None = None) -> Frame:
    """A copy of `frame` with `is_library` set and, when the file is in the workspace,
    `workspace_path` (absolute, resolved). Pass one `WorkspaceIndex` when mapping many frames."""
    is_library = is_library_path(frame.file)
    workspace_path: str | None = None
    if workspace is not None:
        found = resolve_in_workspace(frame.file, workspace, index)
        if found is not None:
            workspace_path = str(found)
            # a file inside the workspace's own virtualenv is still library code
            is_library = is_library or is_library_path(workspace_path)
    return frame.model_copy(update={"is_library": is_library, "workspace_path": workspace_path})
