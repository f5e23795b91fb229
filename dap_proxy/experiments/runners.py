"""Running the user's tests in scratch copies: a persistent pytest worker per core (pytest
commands), or the command itself under a generated sitecustomize tracer (any other command), and a
pool that spreads jobs over both while respecting the time budget."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from dap_proxy.analysis.workspace import project_python_files
from dap_proxy.experiments import plugin as plugin_module
from dap_proxy.experiments.sandbox import copy_project, kill_group, run_bounded
from dap_proxy.experiments.testcommand import TestCommand

WORKER_START_TIMEOUT = 30.0  # seconds for a worker to import pytest and say it is ready
PLUGIN_PATH = Path(plugin_module.__file__)
WORKER_PATH = Path(__file__).with_name("worker.py")
COMMAND_TEST_ID = "<command>"
CLOSED = "localize was stopped"  # the error of a job given to a closed runner

Outcome = Literal["passed", "failed", "timeout", "skipped"]


class TestResult(BaseModel):
    """One test (one parametrized case) of one run."""

    __test__ = False  # not a test class, despite its name

    nodeid: str
    arg: str = ""  # how to select it on the command line, relative to the invocation folder
    outcome: Outcome
    duration: float = 0.0
    longrepr: str = ""
    frames: list[tuple[str, int, bool]] = Field(default_factory=list)  # file, line, is_project
    lines: list[tuple[str, int]] = Field(default_factory=list)  # project lines it executed

    @property
    def failed(self) -> bool:
        return self.outcome in ("failed", "timeout")

    def signature(self) -> str:
        """What the failure looked like: a different signature means the mutant changed it. Not
        where a hang was stopped: the limit lands on any line of the loop, differently in each
        run. (Its message names the limit, so a plainly hung test that runs past a mutant run's
        much shorter limit reads as changed: that limit cannot tell a hang from a longer loop.)"""
        where = self.frames[-1][:2] if self.frames and self.outcome != "timeout" else ()
        return (
            f"{self.outcome}|{self.longrepr.splitlines()[0][:200] if self.longrepr else ''}|{where}"
        )


class CollectError(BaseModel):
    nodeid: str
    longrepr: str


class RunAnswer(BaseModel):
    results: list[TestResult] = Field(default_factory=list)
    collect_errors: list[CollectError] = Field(default_factory=list)
    exit: int = 0
    error: str | None = None
    timed_out: bool = False  # the whole job was killed
    seconds: float = 0.0
    tracer: str | None = None  # which tracer recorded the lines (coverage, settrace), if any


class Job(BaseModel):
    key: str  # the caller's identifier for this job
    files: dict[str, str] = Field(default_factory=dict)  # project-relative path -> mutated text
    only: list[str] | None = None  # node ids to run (None: all)
    timeout: float | None = None  # per test
    timeouts: dict[str, float] = Field(default_factory=dict)  # per node id, overriding timeout
    hard_timeout: float = 60.0  # the whole job
    trace: bool = True
    trace_files: list[str] | None = None  # project files to trace (None: all the project's code)
    hang_factor: float | None = None  # per-test limit grows to this x the slowest passed test
    fast: bool = False  # pytest without plugin autoload and without plugins that cannot matter
    session: bool = False  # serve it in the worker's live pytest session (validated first)


class RunnerError(Exception):
    """A runner could not start (pytest missing in that interpreter, ...)."""


# Built-in pytest plugins that cost time on every run and cannot change a test's outcome (not
# `debugging`: pytest 9's unittest support reads its options). Whether
# the fast configuration (these off, and no third-party plugin autoload) gives the same outcomes as
# the user's own is checked once per localize run before it is used for mutants.
FAST_DISABLED = (
    "unraisableexception", "threadexception", "cacheprovider", "junitxml", "pastebin",
    "stepwise", "faulthandler",
)  # fmt: skip


_AUTOLOAD = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")  # the user's own setting


def fast_pytest_args(args: list[str]) -> list[str]:
    disabled = list(FAST_DISABLED)
    if not any(a.startswith("--doctest") for a in args):
        disabled.append("doctest")
    flags = [item for name in disabled for item in ("-p", f"no:{name}")]
    # our results keep their own one-line summary, so pytest's report may be the cheapest one
    return [*flags, *args, "--tb=native"]


def offered_coverage(scratch: Path) -> Path:
    """A folder holding only our coverage package (a link), for the worker's sys.path."""
    import coverage

    folder = scratch / "coverage-package"
    if not folder.exists():
        folder.mkdir()
        (folder / "coverage").symlink_to(Path(coverage.__file__).resolve().parent)
    return folder


def write_project_files(root: Path, target: Path) -> Path:
    """The project's code and test files (the analysis room decides which is which), as the
    JSON file the plugin reads inside the user's interpreter."""
    code, tests = project_python_files(root)
    target.write_text(json.dumps({"code": code, "tests": tests}), encoding="utf-8")
    return target


class PytestRunner:
    """A warm pytest process over its own scratch copy of the project."""

    def __init__(self, command: TestCommand, project: Path, cwd_rel: str, scratch: Path, n: int):
        self.command = command
        self.root = copy_project(project, scratch, f"w{n}")
        self.cwd = self.root / cwd_rel
        self.files = write_project_files(self.root, scratch / f"files{n}.json")
        self.coverage = offered_coverage(scratch)
        self.tracer: str | None = None  # what the worker said it traces with
        self.process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._next_id = 0
        self.baseline: dict[str, bool] | None = None  # outcomes the live session must reproduce
        self.baseline_limits: dict[str, float] = {}  # and the per-test limits to do it in
        self.session_bad: set[str] = set()  # tests the live session does not reproduce
        self.session_state: str | None = None  # None (not tried), "ok" or "off"
        self.closed = False  # closed for good: no worker is started again

    def start(self) -> None:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        env.pop(plugin_module.ENV_OUT, None)
        argv = [
            self.command.python or "python",
            str(WORKER_PATH),
            str(self.root),
            str(self.cwd),
            str(PLUGIN_PATH),
            "1" if self.command.add_cwd else "0",
            str(self.files),
            str(self.coverage),
        ]
        self.process = subprocess.Popen(
            argv,
            cwd=self.cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        if self.closed:  # closed while it was being started: the wait for "ready" ends at once
            kill_group(self.process)
        self._lines = queue.Queue()
        lines = self._lines
        stdout = self.process.stdout

        def pump() -> None:
            assert stdout is not None
            for line in stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        ready = self._read(WORKER_START_TIMEOUT)
        if ready is not None:
            self.tracer = str(ready.get("tracer") or "settrace")
        if ready is None or not ready.get("ready"):
            stderr = ""
            self.stop()
            if self.process.stderr is not None:
                stderr = self.process.stderr.read()[-2000:]
            raise RunnerError(
                f"could not start pytest with {self.command.python}: {stderr.strip() or 'no answer'}"
                " (is pytest installed for that interpreter?)"
            )

    def _read(self, timeout: float) -> dict[str, object] | None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            kill_group(self.process)
        elif self.process is not None:
            kill_group(self.process)  # children it left behind

    def close(self) -> None:
        """Stop for good (from any thread): the worker dies, so a job waiting on it returns."""
        self.closed = True
        self.stop()

    def run(self, job: Job) -> RunAnswer:
        if job.session and self.session_state is None and self.baseline is not None:
            check = self._run(
                Job(key="validate", session=True, fast=job.fast, timeout=job.timeout,
                    timeouts=self.baseline_limits, only=sorted(self.baseline), trace=False,
                    hard_timeout=job.hard_timeout)
            )  # fmt: skip
            seen = {r.nodeid: r.failed for r in check.results if r.outcome != "skipped"}
            # tests whose outcome differs in the live session (a class kept from the first
            # import, pickling by name...) are never served by it
            self.session_bad = {k for k, v in self.baseline.items() if seen.get(k) != v}
            trusted = check.results and len(self.session_bad) < len(self.baseline)
            self.session_state = "ok" if trusted else "off"
        only = job.only
        if job.session and self.session_state == "ok" and only and self.session_bad:
            bad = self.session_bad.intersection(only)
            if any(self.baseline and self.baseline.get(i) for i in bad):
                job = job.model_copy(update={"session": False})  # a failing test: run it for real
            elif bad:
                job = job.model_copy(update={"only": [i for i in only if i not in bad]})
        if job.session and self.session_state != "ok":
            job = job.model_copy(update={"session": False})
        return self._run(job)

    def _run(self, job: Job) -> RunAnswer:
        started = time.monotonic()
        if self.closed:
            return RunAnswer(exit=-1, error=CLOSED)
        if self.process is None or self.process.poll() is not None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        self._next_id += 1
        originals = {rel: (self.root / rel).read_bytes() for rel in job.files}
        args = list(self.command.pytest_args)
        payload = {
            "id": self._next_id,
            "args": fast_pytest_args(args) if job.fast else args,
            "env": {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1" if job.fast else _AUTOLOAD},
            "only": job.only,
            "timeout": job.timeout,
            "timeouts": job.timeouts,
            "trace": job.trace,
            "trace_files": job.trace_files,
            "hang_factor": job.hang_factor,
            "files": job.files,
            "session": job.session,
        }
        try:
            self.process.stdin.write(json.dumps(payload) + "\n")
            self.process.stdin.flush()
        except OSError:
            self.stop()
            self._restore(originals)
            return RunAnswer(exit=-1, error="the worker died", seconds=time.monotonic() - started)
        raw = self._read(job.hard_timeout)
        elapsed = time.monotonic() - started
        if raw is None:  # hung outside a test's reach (or died): restart it for the next job
            self.stop()
            self.process = None
            self._restore(originals)
            return RunAnswer(exit=-1, timed_out=True, error="the run timed out", seconds=elapsed)
        answer = RunAnswer.model_validate({**raw, "seconds": elapsed})
        if int(str(raw.get("threads", 1) or 1)) > 1:  # a test left a thread running (maybe a hang)
            self.stop()
            self.process = None
        if answer.error:
            # a mutated file might still be in place if the worker died mid-job; restart clean
            self.stop()
            self.process = None
            self._restore(originals)
        return answer

    def _restore(self, originals: dict[str, bytes]) -> None:
        for rel, data in originals.items():
            (self.root / rel).write_bytes(data)


class CommandRunner:
    """Any other command: one test, pass/fail by exit status, coverage by a sitecustomize tracer."""

    def __init__(self, command: TestCommand, project: Path, cwd_rel: str, scratch: Path, n: int):
        self.command = command
        self.root = copy_project(project, scratch, f"w{n}")
        self.cwd = self.root / cwd_rel
        self.site = scratch / f"site{n}"
        self.site.mkdir()
        (self.site / "sitecustomize.py").write_text(
            "import importlib.util as _u\n"
            f"_s = _u.spec_from_file_location('_smart_debug_localize_plugin', {str(PLUGIN_PATH)!r})\n"
            "_m = _u.module_from_spec(_s)\n"
            "_s.loader.exec_module(_m)\n"
            "_m.start_command_trace()\n",
            encoding="utf-8",
        )
        self.out = scratch / f"lines{n}.jsonl"
        self.files_path = write_project_files(self.root, scratch / f"files{n}.json")
        self.files = plugin_module.ProjectFiles.load(str(self.root), str(self.files_path))
        self.closed = False
        self._running: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None

    def close(self) -> None:
        """Stop for good (from any thread): the command running now is killed."""
        self.closed = True
        running = self._running
        if running is not None:
            kill_group(running)

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        self._running = process
        if self.closed:  # closed while it was being started
            kill_group(process)

    def run(self, job: Job) -> RunAnswer:
        started = time.monotonic()
        if self.closed:
            return RunAnswer(exit=-1, error=CLOSED)
        originals: dict[Path, bytes] = {}
        for rel, text in job.files.items():
            path = self.root / rel
            originals[path] = path.read_bytes()
            path.write_text(text, encoding="utf-8")
        self.out.unlink(missing_ok=True)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(self.site), os.environ.get("PYTHONPATH", "")) if p
        )
        if job.trace:
            env[plugin_module.ENV_OUT] = str(self.out)
            env[plugin_module.ENV_ROOT] = str(self.root)
            env[plugin_module.ENV_FILES] = str(self.files_path)
        limit = job.timeout or job.hard_timeout
        try:
            done = run_bounded(
                self.command.argv, self.cwd, env, min(limit, job.hard_timeout), self._started
            )
        finally:
            self._running = None
            for path, data in originals.items():
                path.write_bytes(data)
        lines: set[tuple[str, int]] = set()
        if self.out.exists():
            for row in self.out.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    lines.update((f, n) for f, n in json.loads(row)["lines"])
                except (ValueError, KeyError, TypeError):
                    continue
        outcome: Outcome = (
            "timeout" if done.timed_out else ("passed" if done.returncode == 0 else "failed")
        )
        tail = done.output.strip().splitlines()[-1:] if done.output.strip() else []
        longrepr = (
            "timed out" if done.timed_out else (tail[0] if tail else f"exit {done.returncode}")
        )
        result = TestResult(
            nodeid=COMMAND_TEST_ID,
            outcome=outcome,
            duration=time.monotonic() - started,
            longrepr=longrepr[:500],
            frames=_frames_from_output(done.output, self.files),
            lines=sorted(lines),
        )
        return RunAnswer(
            results=[result],
            exit=done.returncode if done.returncode is not None else -1,
            seconds=time.monotonic() - started,
        )


def _frames_from_output(
    output: str, files: plugin_module.ProjectFiles
) -> list[tuple[str, int, bool]]:
    """Python traceback frames (`File "...", line N`) printed by the command, inside the project."""
    import re

    frames: list[tuple[str, int, bool]] = []
    for match in re.finditer(r'File "([^"]+)", line (\d+)', output):
        rel = files.relative(match.group(1))
        if rel is not None:
            frames.append((rel, int(match.group(2)), rel in files.code))
    return frames[-30:]


Runner = PytestRunner | CommandRunner


class Pool:
    """Runs jobs on whichever runner is free (one thread per runner). Jobs can be submitted at
    any time, so mutants can start on one core while the other still runs the user's slower
    configuration; a job whose turn comes after the deadline (or that `skip` rejects) is not run
    and resolves to None."""

    def __init__(self, runners: list[Runner], deadline: float):
        self.runners = runners
        self.deadline = deadline
        self._free: queue.Queue[Runner] = queue.Queue()
        for runner in runners:
            self._free.put(runner)
        self._executor = ThreadPoolExecutor(max_workers=len(runners))

    def submit(
        self, job: Job, skip: Callable[[Job], bool] | None = None, deadline: float | None = None
    ) -> Future[RunAnswer | None]:
        limit = deadline if deadline is not None else self.deadline

        def execute() -> RunAnswer | None:
            if time.monotonic() >= limit or (skip is not None and skip(job)):
                return None
            runner = self._free.get()
            try:
                budget = max(0.5, limit - time.monotonic())
                bounded = job.model_copy(update={"hard_timeout": min(job.hard_timeout, budget)})
                return runner.run(bounded)
            except Exception as error:  # a runner failing must not lose the others' work
                return RunAnswer(exit=-1, error=f"{type(error).__name__}: {error}")
            finally:
                self._free.put(runner)

        return self._executor.submit(execute)

    def map(
        self, jobs: list[Job], skip: Callable[[Job], bool] | None = None
    ) -> Iterator[tuple[Job, RunAnswer]]:
        """Submit all jobs and yield (job, answer) as they finish (jobs not run are left out)."""
        futures = {self.submit(job, skip): job for job in jobs}
        for future in as_completed(futures):
            answer = future.result()
            if answer is not None:
                yield futures[future], answer

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        for runner in self.runners:
            runner.close()
