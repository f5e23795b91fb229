"""Splits text into chunks of at most `size` characters, breaking at spaces when possible."""


def chunks(text: str, size: int) -> list[str]:
    if size < 1:
        raise ValueError("size must be positive")
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text) and text[end] != " ":
            cut = text.rfind(" ", start, end)
            if cut != -1:
                end = cut
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    return out


def numbered(text: str, size: int) -> list[str]:
    parts = chunks(text, size)
    return [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, 1)]
