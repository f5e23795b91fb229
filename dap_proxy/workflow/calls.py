"""Calling the suspect function with observed arguments, in the run's interpreter and in a
process of its own: the module imported as the program has it, or executed from a changed
source under its name (the confirming mutant), each case's result or exception as text."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

CALL_TIMEOUT = 20.0  # seconds for the helper process calling the function on all cases
# Runs in the run's interpreter: imports the module (or executes the changed source under its
# name), calls the function on each case and answers with the reprs of what came back.
_CALLER = r"""
import ast, importlib, inspect, json, sys, types
spec = json.loads(sys.stdin.read())
sys.path.insert(0, spec["root"])

def load(source):
    if source is None:
        return importlib.import_module(spec["module"])
    module = types.ModuleType(spec["module"])
    module.__file__ = spec["path"]
    module.__package__ = spec["module"].rpartition(".")[0]
    sys.modules[spec["module"]] = module
    exec(compile(source, spec["path"], "exec"), module.__dict__)
    return module

versions = []
for source in spec["sources"]:
    try:
        function = getattr(load(source), spec["function"])
        kinds = {n: p.kind.name for n, p in inspect.signature(function).parameters.items()}
    except BaseException as exc:
        versions.append({"error": f"{type(exc).__name__}: {exc}"[:300]})
        continue
    results = []
    for case in spec["cases"]:
        args, kwargs = [], {}
        for name, text in case.items():
            value, kind = ast.literal_eval(text), kinds.get(name, "KEYWORD_ONLY")
            if kind == "POSITIONAL_ONLY":
                args.append(value)
            elif kind == "VAR_POSITIONAL":
                args.extend(value)
            elif kind == "VAR_KEYWORD":
                kwargs.update(value)
            else:
                kwargs[name] = value
        try:
            results.append({"ok": True, "value": repr(function(*args, **kwargs))})
        except BaseException as exc:
            results.append({"ok": False, "value": type(exc).__name__, "message": str(exc)[:200]})
    versions.append({"results": results, "kinds": kinds})
print(json.dumps(versions))
"""


class CannotWrite(Exception):
    """No test can be written; the message says why."""


def call(
    python: str, root: Path, module: str, function: str, path: Path,
    cases: list[dict[str, str]], sources: list[str | None],
) -> list[dict[str, object]]:  # fmt: skip
    spec = {
        "root": str(root), "module": module, "function": function, "path": str(path),
        "cases": cases, "sources": sources,
    }  # fmt: skip
    try:
        done = subprocess.run(
            [python, "-c", _CALLER], input=json.dumps(spec), capture_output=True, text=True,
            timeout=CALL_TIMEOUT, cwd=root,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise CannotWrite(
            f"calling `{function}` with the observed arguments did not return within {CALL_TIMEOUT:g}s"
        ) from exc
    except OSError as exc:
        raise CannotWrite(f"cannot run {python}: {exc}") from exc
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CannotWrite(f"calling `{function}` failed to run: {last}") from exc
    error = answer[0].get("error")
    if error:
        raise CannotWrite(
            f"importing `{module}` to call `{function}` raised {error} (a module that runs its "
            'program when imported needs an `if __name__ == "__main__":` guard)'
        )
    return list(answer)
