"""The localize worker compiles a module's source once per distinct text
(experiments/worker.py): each run imports the project again, and only a mutated file changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dap_proxy.experiments import worker

ORIGINAL = "VALUE = 1\n\ndef f():\n    return VALUE\n"
# run in a child interpreter: the cache patches the import system of the process it runs in
CHECK = """
import importlib.util, sys
sys.path.insert(0, sys.argv[2])
ORIGINAL = open(sys.argv[2] + "/target.py").read()
spec = importlib.util.spec_from_file_location("w", sys.argv[1])
w = importlib.util.module_from_spec(spec)
spec.loader.exec_module(w)
w._cache_compiled_sources()
sys.dont_write_bytecode = True

def fresh():
    sys.modules.pop("target", None)
    return importlib.import_module("target")

first = fresh()
again = fresh()
with open(sys.argv[2] + "/target.py", "w") as handle:
    handle.write("VALUE = 2\\n")
mutated = fresh()
print(first.VALUE, again.VALUE, mutated.VALUE, first.f.__code__ is again.f.__code__)
# mutants come and go; the original text stays compiled between them
for text in ("VALUE = 3\\n", ORIGINAL, "VALUE = 4\\n", ORIGINAL):
    with open(sys.argv[2] + "/target.py", "w") as handle:
        handle.write(text)
    latest = fresh()
print(latest.VALUE, latest.f.__code__ is first.f.__code__)
"""


def test_an_unchanged_module_reuses_its_code_and_a_changed_one_is_compiled(
    tmp_path: Path,
) -> None:
    (tmp_path / "target.py").write_text(ORIGINAL)
    done = subprocess.run(
        [sys.executable, "-c", CHECK, worker.__file__, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1", "2", "True", "1", "True"]
