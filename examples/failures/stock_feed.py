"""Parses the supplier's stock feed. Bug: supplier v2 of the feed changed `qty` from a number to
"<n> units", so the parser's int() fails on a record it was never written for (schema change)."""

import json

FEED = '[{"sku": "A-1", "qty": 12}, {"sku": "B-7", "qty": "3 units"}]'


def parse_stock(feed: str) -> dict[str, int]:
    stock = {}
    for record in json.loads(feed):
        stock[record["sku"]] = int(record["qty"])
    return stock


if __name__ == "__main__":
    print(parse_stock(FEED))
