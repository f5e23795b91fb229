"""`smart-debug demo` / `make demo`: the main job on the bundled example (filled in at integration)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    return None
