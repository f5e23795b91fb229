"""Exact rational numbers in lowest terms, parsed from text like "3/4" or "-2"."""

from dataclasses import dataclass
from math import gcd


@dataclass(frozen=True)
class Fraction:
    num: int
    den: int = 1

    def __post_init__(self) -> None:
        if self.den == 0:
            raise ZeroDivisionError("denominator is zero")
        sign = -1 if self.den < 0 else 1
        common = gcd(self.num, self.den) or 1
        object.__setattr__(self, "num", sign * self.num // common)
        object.__setattr__(self, "den", sign * self.den // common)

    def __add__(self, other: "Fraction") -> "Fraction":
        return Fraction(self.num * other.den + other.num * self.den, self.den * other.den)

    def __mul__(self, other: "Fraction") -> "Fraction":
        return Fraction(self.num * other.num, self.den * other.den)

    def __truediv__(self, other: "Fraction") -> "Fraction":
        return Fraction(self.num * other.den, self.den * other.num)

    def __str__(self) -> str:
        return str(self.num) if self.den == 1 else f"{self.num}/{self.den}"


def parse(text: str) -> Fraction:
    top, _, bottom = text.strip().partition("/")
    if not bottom:
        return Fraction(int(top))
    return Fraction(int(bottom), int(top))


def total(texts: list[str]) -> Fraction:
    result = Fraction(0)
    for text in texts:
        result = result + parse(text)
    return result
