"""Inferring `pathMappings` for a remote attach that has none: the remote program reports its
source paths (the `process` event's name, stack frames), and where those do not exist locally
the longest path suffix they share with files under the workspace gives a (remoteRoot,
localRoot) pair. Two different local roots explaining the same remote files equally well are
reported as ambiguous, never picked silently.

A program started as `python -m debugpy --listen ... app.py` reports its script relative to its
working directory: then the remote root is that directory, unknown here, written "." (debugpy
resolves a relative path against the program's working directory, so the proxy's own probes
are set with paths relative to it).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

SKIP_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".smart-debug",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        "site-packages",
        "build",
        "dist",
    }
)
MAX_FILES = 50_000


@dataclass(frozen=True)
class Mapping:
    local_root: str
    remote_root: str

    def as_launch_json(self) -> dict[str, str]:
        return {"localRoot": self.local_root, "remoteRoot": self.remote_root or "."}

    @property
    def relative(self) -> bool:
        """The remote reports paths relative to its working directory."""
        return self.remote_root == ""


@dataclass
class Inference:
    mapping: Mapping | None  # the one to use, when there is exactly one best
    candidates: list[Mapping]  # all equally good ones (more than one: ambiguous)
    explained: int  # how many remote paths the best mapping explains


def _parts(path: str) -> tuple[str, ...]:
    flavour = PureWindowsPath if "\\" in path and "/" not in path else PurePosixPath
    return tuple(p for p in flavour(path).parts if p not in ("/", "\\"))


def workspace_files(root: Path) -> dict[str, list[Path]]:
    """Python files under `root` by file name (bounded, skipping virtualenvs and caches)."""
    found: dict[str, list[Path]] = {}
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        for name in files:
            if name.endswith(".py"):
                found.setdefault(name, []).append(Path(folder) / name)
                count += 1
                if count >= MAX_FILES:
                    return found
    return found


def _pair(remote: str, local: Path) -> Mapping | None:
    remote_parts = _parts(remote)
    local_parts = local.parts
    shared = 0
    while (
        shared < min(len(remote_parts), len(local_parts))
        and remote_parts[-1 - shared] == local_parts[-1 - shared]
    ):
        shared += 1
    if shared == 0:
        return None
    local_root = str(Path(*local_parts[: len(local_parts) - shared]))
    if not _absolute(remote):
        if shared < len(remote_parts):
            return None  # `../x/app.py`: the part that differs is above the working directory
        return Mapping(local_root, "")
    remote_root = remote[: len(remote) - len("/".join(remote_parts[-shared:]))].rstrip("/\\")
    return Mapping(local_root, remote_root or "/")


def _inside(path: str, workspace: Path | None) -> bool:
    if workspace is None:
        return Path(path).exists()
    try:
        Path(path).resolve().relative_to(workspace.resolve())
    except (ValueError, OSError):
        return False
    return Path(path).exists()


def _absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or PureWindowsPath(path).is_absolute()


def infer(
    remote_paths: Iterable[str], files: dict[str, list[Path]], workspace: Path | None = None
) -> Inference:
    """The mapping that explains the most remote paths that are not files of the workspace
    (a path outside it that happens to exist here, e.g. a copy the program runs from, still
    needs one: the editor's breakpoints are on the workspace's copy)."""
    votes: Counter[Mapping] = Counter()
    for remote in dict.fromkeys(remote_paths):
        if not remote or (_absolute(remote) and _inside(remote, workspace)):
            continue
        name = _parts(remote)[-1] if _parts(remote) else ""
        best: dict[Mapping, int] = {}
        for local in files.get(name, []):
            pair = _pair(remote, local)
            if pair is not None:
                best[pair] = len(_parts(remote)) - len(_parts(pair.remote_root))
        if not best:
            continue
        longest = max(best.values())
        for pair, depth in best.items():
            if depth == longest:
                votes[pair] += 1
    if not votes:
        return Inference(None, [], 0)
    top = max(votes.values())
    candidates = sorted((m for m, n in votes.items() if n == top), key=lambda m: m.local_root)
    chosen = candidates[0] if len(candidates) == 1 else None
    return Inference(chosen, candidates, top)


def to_remote(path: str, mapping: Mapping) -> str:
    local = Path(path)
    try:
        rest = local.relative_to(mapping.local_root)
    except ValueError:
        return path
    if mapping.relative:
        return rest.as_posix()
    separator = "\\" if "\\" in mapping.remote_root else "/"
    return mapping.remote_root.rstrip("/\\") + separator + separator.join(rest.parts)


def to_local(path: str, mapping: Mapping) -> str:
    if mapping.relative:
        return str(Path(mapping.local_root) / path) if path and not _absolute(path) else path
    root = mapping.remote_root.rstrip("/\\")
    if not (path == root or path.startswith((root + "/", root + "\\"))):
        return path
    rest = path[len(root) :].lstrip("/\\").replace("\\", "/")
    return str(Path(mapping.local_root) / rest)
