"""RGB colours: hex parsing and formatting, blending, lightening, and contrast ratio."""


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(value, high))


def parse_hex(text: str) -> tuple[int, int, int]:
    text = text.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"not a hex colour: {text!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(clamp(0, channel, 255)):02x}" for channel in rgb)


def blend(a: str, b: str, t: float) -> str:
    ca, cb = parse_hex(a), parse_hex(b)
    return to_hex(tuple(x + (y - x) * t for x, y in zip(ca, cb)))


def lighten(color: str, amount: float) -> str:
    return to_hex(tuple(channel * (1 + amount) for channel in parse_hex(color)))


def luminance(color: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in parse_hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
