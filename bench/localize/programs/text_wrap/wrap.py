"""Greedy word wrapping, with optional full justification and a hanging indent."""


def wrap(text: str, width: int) -> list[str]:
    if width < 1:
        raise ValueError("width must be positive")
    lines: list[str] = []
    current = ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def justify(line: str, width: int) -> str:
    words = line.split()
    if len(words) == 1:
        return words[0].ljust(width)
    gaps = len(words) - 1
    spaces = width - sum(len(word) for word in words)
    out = []
    for i, word in enumerate(words[:-1]):
        out.append(word + " " * (spaces // gaps + (1 if i < spaces % gaps else 0)))
    out.append(words[-1])
    return "".join(out)


def fill(text: str, width: int, indent: str = "") -> str:
    lines = wrap(text, width - len(indent))
    return "\n".join(indent + line if i else line for i, line in enumerate(lines))
