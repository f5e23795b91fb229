import pytest

from config import ConfigError, parse_ini
from settings import load

FULL = """
# production
[database]
host = db.internal
port = 6432
name = shop
pool = 20

[logging]
level = warning

[app]
debug = off
"""


def test_parse_sections():
    assert parse_ini("[a]\nx = 1\n[b]\ny=2")["b"] == {"y": "2"}


def test_comments_and_blanks():
    assert parse_ini("[a]\n\n# note\nx = 1  # inline\n") == {"a": {"x": "1"}}


def test_key_outside_section():
    with pytest.raises(ConfigError):
        parse_ini("x = 1")


def test_load_full():
    settings = load(FULL)
    assert settings.db_url == "postgresql://db.internal:6432/shop"
    assert (settings.pool_size, settings.log_level, settings.debug) == (20, "WARNING", False)


def test_load_defaults_inside_sections():
    settings = load("[database]\n[logging]\n[app]\ndebug = yes\n")
    assert settings.db_url == "postgresql://localhost:5432/app"
    assert settings.debug is True


def test_load_without_logging_section():
    settings = load("[database]\nhost = h\n")
    assert settings.log_level == "INFO"


def test_load_empty_file():
    settings = load("")
    assert (settings.db_url, settings.pool_size) == ("postgresql://localhost:5432/app", 5)
