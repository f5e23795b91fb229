import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "batch", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )


def test_cli_total():
    done = cli("total", "1", "2", "3")
    assert done.returncode == 0
    assert done.stdout.strip() == "6"


def test_cli_chunk_totals():
    done = cli("chunks", "2", "1", "2", "3", "4", "5")
    assert done.stdout.split() == ["3", "7", "5"]


def test_cli_rejects_unknown_command():
    done = cli("median", "1")
    assert done.returncode == 2
    assert "unknown command" in done.stderr


def test_child_python_exit_status():
    done = subprocess.run([sys.executable, "-c", "import sys; sys.exit(3)"], timeout=60)
    assert done.returncode == 3


def test_spawned_pool_totals():
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map(batch_total, [[1, 2], [3], []]) == [3, 3, 0]


def test_spawned_pool_chunk_totals():
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.starmap(batch_chunk_totals, [([1, 2, 3, 4], 2), ([5], 1)]) == [[3, 7], [5]]


def batch_total(numbers):
    import batch

    return batch.total(numbers)


def batch_chunk_totals(numbers, size):
    import batch

    return batch.chunk_totals(numbers, size)
