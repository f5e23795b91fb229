"""Query-string parsing and building: repeated keys, percent-escapes, bare flags."""

from urllib.parse import quote, unquote_plus


def parse_query(query: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for pair in query.lstrip("?").split("&"):
        if not pair:
            continue
        key, value = pair.split("=", 1)
        params.setdefault(unquote_plus(key), []).append(unquote_plus(value))
    return params


def first(query: str, key: str, default: str | None = None) -> str | None:
    values = parse_query(query).get(key)
    return values[0] if values else default


def build_query(params: dict[str, list[str]]) -> str:
    return "&".join(
        f"{quote(key, safe='')}={quote(value, safe='')}" for key, values in params.items() for value in values
    )
