"""The launch configuration as the live session reads it: our `smartDebug` block and the brief's
own keys, with each bad entry named and skipped while the rest is kept."""

from __future__ import annotations

import pytest

from dap_proxy.live.options import ConfigError, read_config


def test_the_briefs_keys_are_ours_and_map_to_debugpy() -> None:
    config, forwarded = read_config(
        {
            "program": "app.py",
            "skipFiles": ["**/site-packages/**"],
            "smartStep": True,
            "trace": True,
            "logpoints": [{"file": "src/service.py", "line": 45, "message": "req={request}"}],
            "breakpoints": [
                {"file": "src/service.py", "line": 67, "condition": "n > 3", "hitCondition": "2"}
            ],
            "smartDebug": {"logpoints": [{"file": "b.py", "line": 1, "message": "x={x}"}]},
        }
    )
    assert forwarded == {
        "program": "app.py",
        "rules": [{"path": "**/site-packages/**", "include": False}],
        "justMyCode": True,
    }
    assert [(p.file, p.line) for p in config.logpoints] == [("src/service.py", 45), ("b.py", 1)]
    [bp] = config.breakpoints
    assert (bp.condition, bp.hitCondition) == ("n > 3", "2")
    assert config.trace is True and config.problems == []


def test_user_rules_and_an_explicit_just_my_code_are_kept() -> None:
    _, forwarded = read_config(
        {
            "rules": [{"module": "x", "include": True}],
            "skipFiles": ["a/*"],
            "smartStep": True,
            "justMyCode": False,
        }
    )
    assert forwarded["rules"] == [
        {"module": "x", "include": True},
        {"path": "a/*", "include": False},
    ]
    assert forwarded["justMyCode"] is False


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"logpoints": [{"file": "a.py", "line": 0, "message": "m"}]}, "logpoints[0]"),
        ({"logpoints": [{"file": "a.py", "line": 3}]}, "message"),
        ({"breakpoints": [{"line": 3}]}, "breakpoints[0]"),
        ({"breakpoints": "a.py:3"}, "`breakpoints` must be a list"),
        ({"skipFiles": [3]}, "skipFiles[0]"),
        ({"smartStep": "yes"}, "smartStep"),
    ],
)
def test_a_bad_entry_is_named_and_skipped_while_the_rest_is_kept(
    arguments: dict, named: str
) -> None:
    good = {"file": "ok.py", "line": 2, "message": "kept"}
    merged = {**arguments, "logpoints": [*arguments.get("logpoints", []), good]}
    config, _ = read_config(merged)
    assert any(named in problem for problem in config.problems), config.problems
    assert [(p.file, p.line) for p in config.logpoints] == [("ok.py", 2)]


def test_an_invalid_smart_debug_block_fails_with_the_key_named() -> None:
    with pytest.raises(ConfigError, match=r"smartDebug\.maxProbeHits"):
        read_config({"smartDebug": {"maxProbeHits": 0}})
    with pytest.raises(ConfigError, match="must be an object"):
        read_config({"smartDebug": "on"})


def test_an_env_file_goes_under_env_which_wins_and_bad_lines_are_named(tmp_path) -> None:
    (tmp_path / "dev.env").write_text(
        "# comment\n\nexport A=1\nB = 'two # not a comment'\nC=\"line\\nnext\" \n"
        "D=${A}-x # a comment\nnot a line\n"
    )
    config, forwarded = read_config(
        {"program": "app.py", "cwd": str(tmp_path), "envFile": "dev.env", "env": {"A": "env"}}
    )
    assert forwarded["env"] == {
        "A": "env",
        "B": "two # not a comment",
        "C": "line\nnext",
        "D": "1-x",
    }
    assert "envFile" not in forwarded
    [problem] = config.problems
    assert "dev.env:7 skipped" in problem


def test_an_env_file_that_is_missing_or_not_a_path_leaves_env_alone(tmp_path) -> None:
    config, forwarded = read_config({"envFile": str(tmp_path / "none.env"), "env": {"X": "1"}})
    assert forwarded == {"env": {"X": "1"}}
    assert "does not exist" in config.problems[0]
    config, forwarded = read_config({"envFile": 3})
    assert forwarded == {} and "must be a path" in config.problems[0]
