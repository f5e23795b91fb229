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
           "timeouts": {nodeid: float}, "trace": bool, "files": {relative path: text},
           "env": {name: value | null}}  (environment for this run only; null removes)
  answer: {"id": int, "exit": int, "results": [...], "collect_errors": [...], "threads": int,
           "error": str | null}
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import traceback


def _load_plugin(path: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_smart_debug_localize_plugin", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _purge_project_modules(root: str) -> None:
    """Forget every module loaded from the scratch copy so the next run imports the mutant."""
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if filename and os.path.realpath(filename).startswith(root):
            del sys.modules[name]


def _set_env(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def main() -> int:
    root, cwd, plugin_path, add_cwd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
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
    base_path = list(sys.path)
    channel_out.write(json.dumps({"ready": True, "pytest": pytest.__version__}) + "\n")
    channel_out.flush()
    for line in channel_in:
        if not line.strip():
            continue
        job = json.loads(line)
        answer: dict[str, object] = {"id": job.get("id"), "error": None}
        originals: dict[str, bytes] = {}
        saved_env = {name: os.environ.get(name) for name in (job.get("env") or {})}
        try:
            _set_env(job.get("env") or {})
            for rel, text in (job.get("files") or {}).items():
                path = os.path.join(root, rel)
                with open(path, "rb") as handle:
                    originals[path] = handle.read()
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
            only = job.get("only")
            collector = plugin.Collector(
                root=root,
                timeout=job.get("timeout"),
                trace=bool(job.get("trace", True)),
                only=set(only) if only is not None else None,
                timeouts=job.get("timeouts") or None,
            )
            _purge_project_modules(root)
            exit_code = pytest.main(list(job["args"]), plugins=[collector])
            answer["exit"] = int(exit_code)
            answer["results"] = collector.results
            answer["collect_errors"] = collector.collect_errors
        except BaseException as error:  # report, keep serving: the next job gets a clean state
            answer["exit"] = -1
            answer["error"] = f"{type(error).__name__}: {error}\n{traceback.format_exc()[-1500:]}"
        finally:
            for path, data in originals.items():
                with open(path, "wb") as handle:
                    handle.write(data)
            _set_env(saved_env)
            sys.path[:] = base_path
            _purge_project_modules(root)
        answer["threads"] = threading.active_count()
        channel_out.write(json.dumps(answer) + "\n")
        channel_out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
