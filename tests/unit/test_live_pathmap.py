"""Inferring pathMappings from the paths a remote program reports."""

from __future__ import annotations

from pathlib import Path

from dap_proxy.live.pathmap import Mapping, infer, to_local, to_remote, workspace_files


def make(root: Path, *files: str) -> dict[str, list[Path]]:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x = 1\n")
    return workspace_files(root)


def test_the_longest_shared_suffix_gives_the_roots(tmp_path: Path) -> None:
    files = make(tmp_path / "ws", "app/main.py", "app/util.py", "other/main.py")
    found = infer(["/srv/deploy/app/main.py", "/srv/deploy/app/util.py"], files)
    assert found.mapping == Mapping(str(tmp_path / "ws"), "/srv/deploy")
    assert found.explained == 2


def test_two_equally_good_local_roots_are_ambiguous(tmp_path: Path) -> None:
    files = make(tmp_path / "ws", "copy1/app.py", "copy2/app.py")
    found = infer(["/remote/app.py"], files)
    assert found.mapping is None
    assert {m.local_root for m in found.candidates} == {
        str(tmp_path / "ws" / "copy1"),
        str(tmp_path / "ws" / "copy2"),
    }


def test_paths_of_the_workspace_or_matching_nothing_give_no_mapping(tmp_path: Path) -> None:
    files = make(tmp_path / "ws", "app.py")
    assert infer([str(tmp_path / "ws" / "app.py")], files, tmp_path / "ws").mapping is None
    assert infer(["/remote/unknown.py"], files, tmp_path / "ws").mapping is None
    # a copy outside the workspace that exists here still needs a mapping
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "app.py").write_text("x = 1\n")
    found = infer([str(tmp_path / "run" / "app.py")], files, tmp_path / "ws")
    assert found.mapping == Mapping(str(tmp_path / "ws"), str(tmp_path / "run"))


def test_a_path_relative_to_the_remote_working_directory(tmp_path: Path) -> None:
    files = make(tmp_path / "ws", "svc/app.py", "svc/pkg/mod.py")
    found = infer(["app.py"], files, tmp_path / "ws")
    assert found.mapping == Mapping(str(tmp_path / "ws" / "svc"), "")
    assert found.mapping.as_launch_json()["remoteRoot"] == "."
    assert to_remote(str(tmp_path / "ws" / "svc" / "pkg" / "mod.py"), found.mapping) == "pkg/mod.py"
    assert to_local("pkg/mod.py", found.mapping) == str(tmp_path / "ws" / "svc" / "pkg" / "mod.py")
    assert infer(["../up/app.py"], files, tmp_path / "ws").mapping is None


def test_skipped_folders_are_not_candidates(tmp_path: Path) -> None:
    files = make(tmp_path / "ws", ".venv/lib/app.py", "node_modules/x/app.py", "src/app.py")
    assert [p.parent.name for p in files["app.py"]] == ["src"]


def test_translation_both_ways() -> None:
    mapping = Mapping("/home/me/ws", "/app")
    assert to_remote("/home/me/ws/pkg/a.py", mapping) == "/app/pkg/a.py"
    assert to_remote("/elsewhere/a.py", mapping) == "/elsewhere/a.py"
    assert to_local("/app/pkg/a.py", mapping) == "/home/me/ws/pkg/a.py"
    assert to_local("/application/a.py", mapping) == "/application/a.py"
    windows = Mapping("/home/me/ws", "C:\\srv\\app")
    assert to_remote("/home/me/ws/a.py", windows) == "C:\\srv\\app\\a.py"
