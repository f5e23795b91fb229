"""Integer conversion to and from bases 2..36, with grouping for display."""

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_base(n: int, base: int) -> str:
    if not 2 <= base <= 36:
        raise ValueError(f"base {base} not in 2..36")
    if n < 0:
        return "-" + to_base(-n, base)
    if n < base - 1:
        return DIGITS[n]
    return to_base(n // base, base) + DIGITS[n % base]


def from_base(text: str, base: int) -> int:
    text = text.strip().lower()
    sign = -1 if text.startswith("-") else 1
    value = 0
    for ch in text.lstrip("-"):
        digit = DIGITS.find(ch)
        if not 0 <= digit < base:
            raise ValueError(f"{ch!r} is not a base-{base} digit")
        value = value * base + digit
    return sign * value


def grouped(n: int, base: int, size: int = 4) -> str:
    digits = to_base(n, base)
    head = len(digits) % size or size
    parts = [digits[:head]] + [digits[i : i + size] for i in range(head, len(digits), size)]
    return "_".join(parts)
