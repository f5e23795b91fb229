"""Roman numerals: integer to numeral and back, with validation of the result."""

VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
TABLE = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]


class RomanError(ValueError):
    pass


def to_roman(number: int) -> str:
    if not 0 < number < 4000:
        raise RomanError(f"{number} is out of range 1..3999")
    out = []
    for value, symbol in TABLE:
        count, number = divmod(number, value)
        out.append(symbol * count)
    return "".join(out)


def from_roman(numeral: str) -> int:
    numeral = numeral.upper()
    if not numeral or any(ch not in VALUES for ch in numeral):
        raise RomanError(f"not a roman numeral: {numeral!r}")
    total = 0
    for i, ch in enumerate(numeral):
        value = VALUES[ch]
        if i + 1 < len(numeral) and VALUES[numeral[i + 1]] >= value:
            total -= value
        else:
            total += value
    return total


def is_canonical(numeral: str) -> bool:
    try:
        return to_roman(from_roman(numeral)) == numeral.upper()
    except RomanError:
        return False
