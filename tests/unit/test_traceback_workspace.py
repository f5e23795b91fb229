"""map_frame and parse_failure(workspace=...) against a real temporary workspace on disk."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from dap_proxy.analysis.models import Frame
from dap_proxy.analysis.traceback import map_frame, parse_failure
from dap_proxy.analysis.workspace import WorkspaceIndex, is_library_path

DATA = Path(__file__).resolve().parent.parent / "data" / "tracebacks"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The scratch project generate.py ran, rebuilt under tmp_path (another machine's paths)."""
    for rel in (
        "src/__init__.py",
        "src/cart.py",
        "py_keyerror.py",
        "tests/test_cart.py",
        "pkg_a/__init__.py",
        "pkg_b/__init__.py",
        "deep/nested/app/models.py",
        "node_uncaught.js",
        ".venv/lib/python3.11/site-packages/pydantic/main.py",
        "node_modules/tiny-validate/index.js",
    ):
        path = tmp_path / "ws" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# placeholder\n")
    return tmp_path / "ws"


@pytest.mark.parametrize(
    "file,expected",
    [
        ("src/cart.py", "src/cart.py"),  # relative, as pytest prints it
        ("./src/cart.py", "src/cart.py"),
        ("/app/src/cart.py", "src/cart.py"),  # a container path
        ("/home/ci/build/project/src/cart.py", "src/cart.py"),  # another machine
        ("C:\\Users\\dev\\proj\\src\\cart.py", "src/cart.py"),  # Windows
        ("/srv/app/models.py", "deep/nested/app/models.py"),  # unique suffix deep inside
        ("/opt/node_uncaught.js", "node_uncaught.js"),  # unique base name
        ("file:///app/node_uncaught.js", "node_uncaught.js"),  # Node ESM URL
    ],
)
def test_maps_into_the_workspace(workspace: Path, file: str, expected: str) -> None:
    mapped = map_frame(Frame(file=file, line=3), workspace)
    assert mapped.workspace_path == str((workspace / expected).resolve())
    assert mapped.is_library is False
    assert (mapped.file, mapped.line) == (file, 3)  # the parsed values are kept


def test_maps_by_absolute_path(workspace: Path) -> None:
    absolute = str(workspace / "src" / "cart.py")
    assert map_frame(Frame(file=absolute), workspace).workspace_path == str(
        (workspace / "src" / "cart.py").resolve()
    )


@pytest.mark.parametrize(
    "file",
    [
        "/app/pkg_c/__init__.py",  # two `__init__.py` candidates, none sharing more: ambiguous
        "/app/src/missing.py",
        "<string>",
        "<stdin>",
        "",
    ],
)
def test_does_not_guess(workspace: Path, file: str) -> None:
    assert map_frame(Frame(file=file), workspace).workspace_path is None


def test_absolute_path_outside_the_workspace_is_not_taken(tmp_path: Path, workspace: Path) -> None:
    outside = tmp_path / "elsewhere.py"
    outside.write_text("x = 1\n")
    assert map_frame(Frame(file=str(outside)), workspace).workspace_path is None


@pytest.mark.parametrize(
    "file",
    [
        "/usr/lib/python3/dist-packages/requests/api.py",
        "/home/u/.venv/lib/python3.11/site-packages/pydantic/main.py",
        "/usr/lib/python3.11/json/decoder.py",
        "/usr/local/lib/python3.12/asyncio/base_events.py",
        "C:\\Python311\\Lib\\json\\decoder.py",
        str(Path(sysconfig.get_paths()["stdlib"]) / "json" / "decoder.py"),
        "<frozen importlib._bootstrap>",
        "node:internal/modules/cjs/loader",
        "node:fs",
        "/app/node_modules/express/lib/router/index.js",
        "<anonymous>",
    ],
)
def test_library_code(file: str) -> None:
    assert is_library_path(file)
    assert map_frame(Frame(file=file), None).is_library


@pytest.mark.parametrize(
    "file",
    [
        "src/cart.py",
        "/app/src/cart.py",
        "/home/u/lib/cart.py",
        "tests/test_cart.py",
        "native_codec.py",
        "<string>",
        "Cell In[3]",
    ],
)
def test_project_code(file: str) -> None:
    assert not is_library_path(file)


def test_library_inside_the_workspace_is_still_library(workspace: Path) -> None:
    venv_file = workspace / ".venv/lib/python3.11/site-packages/pydantic/main.py"
    mapped = map_frame(Frame(file=str(venv_file)), workspace)
    assert mapped.is_library
    assert mapped.workspace_path == str(venv_file.resolve())
    # a library path from another machine is never matched by suffix into the workspace
    foreign = map_frame(Frame(file="/x/site-packages/pydantic/main.py"), workspace)
    assert foreign.is_library and foreign.workspace_path is None


def test_parse_failure_maps_an_issue_from_a_container(workspace: Path) -> None:
    failure = parse_failure((DATA / "issue_docker_paths.txt").read_text(), workspace)
    assert [f.workspace_path for f in failure.frames] == [
        str((workspace / "py_keyerror.py").resolve()),
        str((workspace / "py_keyerror.py").resolve()),
        str((workspace / "src/cart.py").resolve()),
    ]


def test_parse_failure_maps_pytest_relative_paths(workspace: Path) -> None:
    failure = parse_failure((DATA / "pytest_tb_short.txt").read_text(), workspace)
    assert [f.workspace_path for f in failure.frames] == [
        str((workspace / "tests/test_cart.py").resolve()),
        str((workspace / "src/cart.py").resolve()),
    ]


def test_parse_failure_maps_node_frames(workspace: Path) -> None:
    failure = parse_failure((DATA / "node_esm.txt").read_text(), workspace)
    innermost = failure.frames[-1]
    assert innermost.is_library  # node_modules
    assert innermost.workspace_path == str(
        (workspace / "node_modules/tiny-validate/index.js").resolve()
    )
    assert all(f.is_library for f in failure.frames[:3])  # node:internal


def test_the_index_skips_dependency_folders(workspace: Path) -> None:
    index = WorkspaceIndex(workspace)
    # only the copy under node_modules exists: the index never looks there
    assert index.best_suffix_match(["tiny-validate", "index.js"]) is None
    assert (
        index.best_suffix_match(["x", "app", "models.py"])
        == (workspace / "deep/nested/app/models.py").resolve()
    )
