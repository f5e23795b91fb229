"""CLI registration for the analysis room (placeholder until the room's issue lands)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # pragma: no cover - replaced
    return None
