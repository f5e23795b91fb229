import pytest

from colors import blend, contrast, lighten, parse_hex, to_hex


def test_parse_short_hex():
    assert parse_hex("#fa0") == (255, 170, 0)


def test_parse_bad_hex():
    with pytest.raises(ValueError):
        parse_hex("#12345")


def test_to_hex():
    assert to_hex((255, 0, 128)) == "#ff0080"


def test_to_hex_clamps_negative():
    assert to_hex((-10, 20, 30)) == "#00141e"


def test_to_hex_clamps_overflow():
    assert to_hex((300, 0, 0)) == "#ff0000"


def test_blend_midpoint():
    assert blend("#000000", "#ffffff", 0.5) == "#808080"


def test_lighten_dark_colour():
    assert lighten("#102030", 0.5) == "#183048"


def test_lighten_saturates():
    assert lighten("#c08040", 0.5) == "#ffc060"


def test_contrast_black_white():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
