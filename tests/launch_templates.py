"""Reads launch-templates/*.json: launch.json files whose explanation is a `//` comment line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parents[1] / "launch-templates"


def template_lines(path: Path) -> tuple[list[str], str]:
    """The comment lines and the JSON text of a template."""
    lines = path.read_text().splitlines()
    comments = [line for line in lines if line.lstrip().startswith("//")]
    body = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    return comments, body


def load_template(name: str) -> dict[str, Any]:
    """The single configuration of launch-templates/NAME.json."""
    _, body = template_lines(TEMPLATES / f"{name}.json")
    (configuration,) = json.loads(body)["configurations"]
    return dict(configuration)
