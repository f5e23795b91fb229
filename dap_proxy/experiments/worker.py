"""Persistent pytest worker for `smart-debug localize`: one process per core, each with its own
scratch copy of the project, runs pytest in-process again and again (the original run, then one
run per mutant), swapping mutated files in and out and dropping the project's modules between runs.

Why persistent: starting Python and importing pytest costs ~0.3 s per process; a mutant run of a
few tests in a warm process costs tens of milliseconds, so hundreds of mutants fit in seconds.
Standalone on purpose (stdlib + pytest only): it runs under the user's interpreter.

Protocol: one JSON object per line. Jobs come on the original stdin, answers go to the original
stdout; the test code's own stdin/stdout/stderr are /dev/null, so a test that prints (even with
`-s`) or floods cannot corrupt the channel.
  job:    {"id": int, "args": [str], "only": [nodeid] | null, "timeout": float | null,
           "timeouts": {nodeid: float}, "trace": bool, "trace_files": [relative path] | null,
           "hang_factor": float | null, "files": {relative path: text},
           "env": {name: value | null}}  (environment for this run only; null removes)
  answer: {"id": int, "exit": int, "results": [...], "collect_errors": [...], "threads": int,
           "error": str | null, "tracer": "coverage" | "settrace" | null}
The coverage package the parent offers (argv[6], a folder holding only it) goes at the end of
sys.path: the user's own coverage wins, and nothing else of ours is importable by the tests.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
import threading
import traceback
from typing import Any


def _load_plugin(path: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_smart_debug_localize_plugin", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def pytest_hookimpl_tryfirst(function):  # type: ignore[no-untyped-def]
    """`@pytest.hookimpl(tryfirst=True)` without importing pytest before main() sets up."""
    import pytest

    return pytest.hookimpl(tryfirst=True)(function)


def _purge_project_modules(root: str) -> None:
    """Forget every module loaded from the scratch copy so the next run imports the mutant."""
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if filename and os.path.realpath(filename).startswith(root):
            del sys.modules[name]


def _cache_compiled_sources() -> None:
    """Compile each module's source once per distinct text: every run imports the project again
    (the mutant run's modules must be fresh), and without bytecode files each import compiled
    every module of the project, although only the mutated one ever changes. Each path keeps
    the first text it was imported with (the project's own: the worker's collection comes
    first) and the latest other one, so a mutant (same path, new text) is compiled, the original
    is not again, and a worker's memory does not grow with the mutants it ran."""
    from importlib.machinery import SourceFileLoader

    first: dict[str, tuple[bytes, Any]] = {}
    latest: dict[str, tuple[bytes, Any]] = {}
    original = SourceFileLoader.source_to_code

    def source_to_code(self, data, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if args or kwargs or not isinstance(data, bytes):  # an optimization level: as asked
            return original(self, data, path, *args, **kwargs)
        key = str(path)
        for kept in (first.get(key), latest.get(key)):
            if kept is not None and kept[0] == data:
                return kept[1]
        code = original(self, data, path)
        (latest if key in first else first)[key] = (data, code)
        return code

    SourceFileLoader.source_to_code = source_to_code  # type: ignore[method-assign]


def _set_env(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def main() -> int:
    root, cwd, plugin_path, add_cwd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    files_path = sys.argv[5]
    coverage_dir = sys.argv[6] if len(sys.argv) > 6 else ""
    root = os.path.realpath(root) + os.sep
    sys.dont_write_bytecode = True  # a mutant may keep the size and mtime second of the original
    # Running this file put its own folder first on sys.path; the user's command never has it.
    if sys.path and os.path.realpath(sys.path[0]) == os.path.dirname(os.path.realpath(__file__)):
        sys.path.pop(0)
    if add_cwd:  # `python -m pytest` puts the current folder first; the `pytest` script does not
        sys.path.insert(0, cwd)
    os.chdir(cwd)
    channel_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    channel_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)

    import pytest

    plugin = _load_plugin(plugin_path)
    _cache_compiled_sources()
    files = plugin.ProjectFiles.load(root, files_path)
    with _offered(coverage_dir):
        tracer_kind = "coverage" if plugin.coverage_available() else "settrace"
    base_path = list(sys.path)

    def send(answer: dict[str, object]) -> None:
        answer["threads"] = threading.active_count()
        channel_out.write(json.dumps(answer) + "\n")
        channel_out.flush()

    def jobs():  # type: ignore[no-untyped-def]
        for line in channel_in:
            if line.strip():
                yield json.loads(line)

    send({"ready": True, "pytest": pytest.__version__, "tracer": tracer_kind})
    source = jobs()
    pending = next(source, None)
    while pending is not None:
        job, pending = pending, None
        if job.get("session"):
            server = _SessionServer(job, source, send, plugin, files)
            _run_pytest(job, plugin, files, base_path, server, tracer_kind, coverage_dir)
            pending = server.leftover
            if server.failed is not None:  # the session could not start: answer the job
                send({"id": job.get("id"), "exit": -1, "error": server.failed})
            continue
        answer = _run_pytest(job, plugin, files, base_path, None, tracer_kind, coverage_dir)
        send(answer)
        pending = next(source, None)
    return 0


@contextlib.contextmanager
def _offered(coverage_dir: str):  # type: ignore[no-untyped-def]
    """Our coverage package on the end of sys.path for a traced run only, forgotten afterwards:
    a plain run must see the user's environment exactly (a test may skip without coverage)."""
    if not coverage_dir:
        yield
        return
    sys.path.append(coverage_dir)
    try:
        yield
    finally:
        if coverage_dir in sys.path:
            sys.path.remove(coverage_dir)
        prefix = os.path.realpath(coverage_dir) + os.sep
        for name, module in list(sys.modules.items()):
            filename = getattr(module, "__file__", None) or ""
            if filename and os.path.realpath(filename).startswith(prefix):
                del sys.modules[name]


def _write_files(job: dict, root: str) -> dict[str, bytes]:  # type: ignore[type-arg]
    originals: dict[str, bytes] = {}
    for rel, text in (job.get("files") or {}).items():
        path = os.path.join(root, rel)
        with open(path, "rb") as handle:
            originals[path] = handle.read()
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return originals


def _restore_files(originals: dict[str, bytes]) -> None:
    for path, data in originals.items():
        with open(path, "wb") as handle:
            handle.write(data)


def _run_pytest(job, plugin, files, base_path: list[str], server, tracer_kind, coverage_dir):  # type: ignore[no-untyped-def]
    """One pytest.main for the job (or, with a server, the session that serves many jobs)."""
    answer: dict[str, object] = {"id": job.get("id"), "error": None, "tracer": None}
    traced = bool(job.get("trace", True)) and server is None
    with _offered(coverage_dir if traced and tracer_kind == "coverage" else ""):
        return _run_job(job, plugin, files, base_path, server, tracer_kind, answer)


def _run_job(job, plugin, files, base_path, server, tracer_kind, answer):  # type: ignore[no-untyped-def]
    import pytest

    root = files.root
    originals: dict[str, bytes] = {}
    saved_env = {name: os.environ.get(name) for name in (job.get("env") or {})}
    try:
        _set_env(job.get("env") or {})
        if server is None:
            originals = _write_files(job, root)
        only = job.get("only")
        tracer = None
        if job.get("trace", True) and server is None:
            wanted = job.get("trace_files")
            tracer = plugin.new_tracer(
                files, set(wanted) if wanted is not None else None, tracer_kind
            )
            answer["tracer"] = tracer.name
        collector = plugin.Collector(
            files,
            timeout=job.get("timeout"),
            tracer=tracer,
            only=set(only) if only is not None and server is None else None,
            timeouts=job.get("timeouts") or None,
            hang_factor=job.get("hang_factor"),
        )
        _purge_project_modules(root)
        plugins = [collector] if server is None else [collector, server]
        if server is not None:
            server.collector = collector
        exit_code = pytest.main(list(job["args"]), plugins=plugins)
        collector.finish()
        answer["exit"] = int(exit_code)
        answer["results"] = collector.results
        answer["collect_errors"] = collector.collect_errors
        if server is not None and not server.started:
            server.failed = f"pytest ended before the session started (exit {int(exit_code)})"
    except BaseException as error:  # report, keep serving: the next job gets a clean state
        answer["exit"] = -1
        answer["error"] = f"{type(error).__name__}: {error}\n{traceback.format_exc()[-1500:]}"
        if server is not None and not server.started:
            server.failed = answer["error"]
    finally:
        _restore_files(originals)
        _set_env(saved_env)
        sys.path[:] = base_path
        _purge_project_modules(root)
    return answer


def _refresh_params(item) -> None:  # type: ignore[no-untyped-def]
    """Parametrize values were built when the test module was first imported, from the old
    project classes (`Fraction(3, 4)` of a class the mutant run no longer uses). Take them again
    from the re-executed module's decorators, by each argument's index."""
    callspec = getattr(item, "callspec", None)
    module = getattr(item, "module", None)
    if callspec is None or module is None:
        return
    try:
        holder = module.__dict__.get(item.cls.__name__) if getattr(item, "cls", None) else module
        func = getattr(holder, getattr(item, "originalname", item.name), None)
        marks = [m for m in getattr(func, "pytestmark", []) if m.name == "parametrize"]
        marks += [m for m in getattr(holder, "pytestmark", []) if m.name == "parametrize"]
        marks += [m for m in getattr(module, "pytestmark", []) if m.name == "parametrize"]
        for mark in marks:
            argnames = mark.args[0] if mark.args else mark.kwargs.get("argnames")
            values = mark.args[1] if len(mark.args) > 1 else mark.kwargs.get("argvalues")
            if isinstance(argnames, str):
                names = [n.strip() for n in argnames.split(",") if n.strip()]
            else:
                names = list(argnames)
            index = callspec.indices.get(names[0]) if names else None
            if index is None or values is None or index >= len(values):
                continue
            value = list(values)[index]
            if hasattr(value, "values") and hasattr(value, "marks"):  # pytest.param(...)
                value = value.values
            elif len(names) == 1:
                value = (value,)
            for name, new in zip(names, value, strict=False):
                if name in callspec.params:
                    callspec.params[name] = new
    except Exception:  # leave the old values: the parent's validation decides
        return


class _SessionServer:
    """pytest plugin that keeps one collected session alive and serves mutant jobs in it: write
    the mutant, forget the project's modules, re-execute test modules and conftests in place
    (their functions see the new globals), run the selected items, restore. Tens of times
    cheaper than a pytest.main per mutant. The parent validates the session first (the original
    code must give the original outcomes) and falls back to pytest.main per job otherwise."""

    def __init__(self, first, source, send, plugin, files):  # type: ignore[no-untyped-def]
        self.first = first
        self.source = source
        self.send = send
        self.plugin = plugin
        self.files = files
        self.root = files.root
        self.collector: Any = None
        self.started = False
        self.failed: str | None = None
        self.leftover = None
        self.config: Any = None
        self._kinds: dict[str, str] = {}
        self._codes: dict[str, Any] = {}

    def _classify(self, filename: str) -> str:
        """'project', 'test' or 'other' for a module file (cached: sys.modules is large)."""
        kind = self._kinds.get(filename)
        if kind is None:
            rel = self.files.relative(filename)
            kind = "other" if rel is None else "test" if rel in self.files.tests else "project"
            self._kinds[filename] = kind
        return kind

    def _exec_test_module(self, module) -> None:  # type: ignore[no-untyped-def]
        """Re-execute a test module or conftest in its own dict, reusing its assertion-rewritten
        code object (test files never change between mutants; rewriting costs ms each time)."""
        code = self._codes.get(module.__name__)
        if code is None:
            try:
                from pathlib import Path

                from _pytest.assertion.rewrite import _rewrite_test

                _, code = _rewrite_test(Path(module.__file__), self.config)
            except Exception:  # private pytest API changed: let its loader do it every time
                code = None
            if code is None:
                module.__spec__.loader.exec_module(module)
                return
            self._codes[module.__name__] = code
        exec(code, module.__dict__)

    def _reload(self) -> str | None:
        """Forget project modules; re-execute test modules and conftests in their own dicts."""
        tests = []
        for name, module in list(sys.modules.items()):
            filename = getattr(module, "__file__", None)
            if not filename:
                continue
            kind = self._classify(filename)
            if kind == "test":
                is_conftest = os.path.basename(filename) == "conftest.py"
                tests.append((not is_conftest, filename.count(os.sep), name, module))
            elif kind == "project":
                del sys.modules[name]
        for _, _, _, module in sorted(tests, key=lambda t: (t[0], t[1], t[2])):
            spec = getattr(module, "__spec__", None)
            if spec is None or spec.loader is None:
                continue
            try:
                self._exec_test_module(module)
            except BaseException as error:  # the mutant breaks the import: every test fails
                return f"{type(error).__name__}: {error}"
        return None

    def _serve(self, job, session) -> dict[str, object]:  # type: ignore[no-untyped-def]
        answer: dict[str, object] = {"id": job.get("id"), "error": None, "exit": 0}
        collector = self.collector
        collector.results = []
        collector.timeout = job.get("timeout")
        collector.timeouts = job.get("timeouts") or {}
        collector.trace = False  # mutant runs: outcomes only
        only = job.get("only")
        items = [i for i in session.items if only is None or i.nodeid in set(only)]
        originals = _write_files(job, self.root)
        try:
            broken = self._reload()
            if broken is not None:
                answer["results"] = [
                    {"nodeid": i.nodeid, "outcome": "failed", "longrepr": broken} for i in items
                ]
                return answer
            for item in items:
                _refresh_params(item)
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=None)
            answer["results"] = collector.results
        finally:
            _restore_files(originals)
        return answer

    @pytest_hookimpl_tryfirst
    def pytest_runtestloop(self, session):  # type: ignore[no-untyped-def]
        self.started = True
        self.config = session.config
        job = self.first
        while job is not None:
            try:
                answer = self._serve(job, session)
            except BaseException as error:
                answer = {
                    "id": job.get("id"),
                    "exit": -1,
                    "error": f"{type(error).__name__}: {error}",
                }
            self.send(answer)
            job = next(self.source, None)
            if job is not None and not job.get("session"):
                self.leftover = job
                break
        return True


if __name__ == "__main__":
    sys.exit(main())
