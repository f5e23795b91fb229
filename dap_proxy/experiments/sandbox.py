"""Scratch copies of the user's project and bounded subprocesses: localize never writes to the
user's files, and every process it starts is killed with its children when its time is up."""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".smart-debug",
     ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox"}
)  # fmt: skip
MAX_FILES = 20_000  # a project bigger than this is not a "small program"; refuse clearly
MAX_OUTPUT = 64_000  # characters of a subprocess's output kept (floods are cut)
KILL_GRACE = 1.0  # seconds between SIGTERM (lets a tracer write its data) and SIGKILL


class SandboxError(Exception):
    """The project cannot be copied (too big, unreadable); the message says what to do."""


def copy_project(source: Path, parent: Path, name: str) -> Path:
    """Copy `source` into parent/name, skipping VCS, virtualenvs, caches and smart-debug's store."""
    target = parent / name
    count = 0

    def ignore(directory: str, names: list[str]) -> set[str]:
        nonlocal count
        skipped = {n for n in names if n in SKIP_DIRS or n.endswith((".pyc", ".pyo"))}
        count += len(names) - len(skipped)
        if count > MAX_FILES:
            raise SandboxError(
                f"the project folder {source} has more than {MAX_FILES} files; run localize "
                "from the folder of the small program under test"
            )
        return skipped

    try:
        shutil.copytree(source, target, ignore=ignore, symlinks=True)
    except shutil.Error as error:  # unreadable files: report the first few
        raise SandboxError(f"could not copy the project to a scratch folder: {error}") from error
    return target


def make_scratch_root() -> Path:
    return Path(tempfile.mkdtemp(prefix="smart-debug-localize-"))


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


class Completed(BaseModel):
    """The end of a bounded subprocess."""

    returncode: int | None  # None: killed because it ran out of time
    output: str  # stdout+stderr, the last MAX_OUTPUT characters
    timed_out: bool


def kill_group(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after a short grace period."""
    for sig, wait in ((signal.SIGTERM, KILL_GRACE), (signal.SIGKILL, KILL_GRACE)):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            process.wait(timeout=wait)
            if sig == signal.SIGTERM:
                # the leader is gone; its children may still be running
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
            return
        except subprocess.TimeoutExpired:
            continue


def run_bounded(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    started: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Completed:
    """Run argv in its own session; kill the whole group after `timeout` seconds. Output is read
    as it comes and only the last MAX_OUTPUT characters are kept (a flood costs no disk).
    `started` gets the process as soon as it runs (so another thread can kill it sooner)."""
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if started is not None:
        started(process)
    tail: collections.deque[bytes] = collections.deque()
    kept = [0]

    def drain() -> None:
        assert process.stdout is not None
        for chunk in iter(lambda: process.stdout.read1(65536), b""):  # type: ignore[union-attr,attr-defined]
            tail.append(chunk)
            kept[0] += len(chunk)
            while kept[0] - len(tail[0]) > MAX_OUTPUT * 4 and len(tail) > 1:
                kept[0] -= len(tail.popleft())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    timed_out = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    kill_group(process)  # also reaps children left behind by a process that did exit
    reader.join(timeout=KILL_GRACE)
    output = b"".join(tail).decode("utf-8", "replace")[-MAX_OUTPUT:]
    return Completed(
        returncode=None if timed_out else process.returncode, output=output, timed_out=timed_out
    )
