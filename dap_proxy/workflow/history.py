"""`smart-debug history [QUERY]`: the workspace's past sessions from the store: when, the
failure's signature, the top hypothesis, the verdict (or what fixed it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def rows(workspace: Path, query: str, limit: int) -> list[dict[str, object]]:
    from dap_proxy.evidence.store import STORE_DIR, Store

    if not (workspace / STORE_DIR).is_dir():
        return []
    with Store.open(workspace) as store:
        if query:
            ids = [s.session_id for s in store.similar_sessions("", query, limit=limit)]
            sessions = [store.session(i) for i in ids]
        else:
            sessions = store.recent_sessions(limit)
        out = []
        for s in sessions:
            top = store.hypotheses(s.id)[:1]
            out.append(
                {
                    "id": s.id,
                    "kind": s.kind,
                    "at": s.created_at,
                    "title": s.title,
                    "signature": s.signature,
                    "top_hypothesis": f"{top[0].id} {top[0].probability:.0f}%: {top[0].statement}"
                    if top
                    else "",
                    "verdict": s.outcome or "",
                    "root_cause": s.root_cause,
                }  # fmt: skip
            )
        return out


def main(args: argparse.Namespace) -> int:
    found = rows(Path.cwd(), args.query, args.limit)
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    console = Console(highlight=False)
    if not found:
        console.print(
            "no past sessions in .smart-debug/ here"
            + (f" matching {args.query!r}" if args.query else "")
        )
        return 0
    table = Table(title="smart-debug history")
    for column in ("#", "when", "kind", "failure", "top hypothesis", "verdict"):
        table.add_column(column)
    for r in found:
        table.add_row(
            str(r["id"]), str(r["at"])[:19], str(r["kind"]), escape(str(r["title"])),
            escape(str(r["top_hypothesis"])[:90]), escape(str(r["root_cause"] or r["verdict"])),
        )  # fmt: skip
    console.print(table)
    return 0
