"""Run-length encoding to and from the compact "3a2b" form; runs are capped at 9."""

import re

MAX_RUN = 9


def runs(text: str) -> list[tuple[str, int]]:
    if not text:
        return []
    out: list[tuple[str, int]] = []
    current, count = text[0], 1
    for ch in text[1:]:
        if ch == current and count < MAX_RUN:
            count += 1
        else:
            out.append((current, count))
            current, count = ch, 1
    return out


def encode(text: str) -> str:
    return "".join(f"{count}{ch}" for ch, count in runs(text))


def decode(encoded: str) -> str:
    pairs = re.findall(r"(\d)(\D)", encoded)
    if "".join(n + ch for n, ch in pairs) != encoded:
        raise ValueError(f"malformed run-length text: {encoded!r}")
    return "".join(ch * int(n) for n, ch in pairs)


def ratio(text: str) -> float:
    return len(encode(text)) / len(text) if text else 1.0
