"""`localize(..., stop=event)`: setting the event from another thread while a test process runs
ends the run at once: the process is killed, the scratch copies are removed, and localize raises.
The programs under test block for longer than any wait here, so only the stop can end them."""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from dap_helpers import assert_scratch_cleaned, processes_working_in

from dap_proxy.experiments.localize import LocalizeError, LocalizeOptions, localize
from dap_proxy.experiments.localize_state import STOPPED
from tests.conftest import EVENT_TIMEOUT, wait_for

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BLOCK = "import threading\nthreading.Event().wait(600)\n"  # longer than the test may run


@pytest.mark.parametrize("runner", ["pytest", "command"])
def test_stop_kills_the_running_tests_and_cleans_up(
    runner: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "cart"
    shutil.copytree(ROOT / "examples" / "shopping_cart", project)
    if runner == "pytest":
        body = "".join(f"    {line}\n" for line in BLOCK.splitlines())
        (project / "tests" / "test_waits.py").write_text(f"def test_waits():\n{body}")
        command = [sys.executable, "-m", "pytest", "-q", "tests"]
    else:
        (project / "job.py").write_text(BLOCK)
        command = [sys.executable, "job.py"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    options = LocalizeOptions(command=command, cwd=project, budget=600, test_timeout=600)
    stop, running = threading.Event(), threading.Event()

    def progress(what: str, fraction: float | None) -> None:
        if what.startswith("running the tests"):
            running.set()

    def stop_once_running() -> None:
        assert running.wait(EVENT_TIMEOUT), "the tests never started"
        wait_for(lambda: processes_working_in(scratch), EVENT_TIMEOUT, "a test process")
        stop.set()

    stopper = threading.Thread(target=stop_once_running)
    stopper.start()
    with pytest.raises(LocalizeError, match=STOPPED):
        localize(options, progress, stop)
    stopper.join()
    assert_scratch_cleaned(scratch)
