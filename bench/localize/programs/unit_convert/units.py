"""Unit conversion for temperatures (through kelvin) and lengths (through metres)."""

TO_KELVIN = {
    "C": lambda v: v + 273.15,
    "F": lambda v: (v - 32) * 5 / 9 + 273.15,
    "K": lambda v: v,
}
FROM_KELVIN = {
    "C": lambda k: k - 273.15,
    "F": lambda k: (k - 273.15) * 9 / 5 - 32,
    "K": lambda k: k,
}
METRES = {"mm": 0.001, "cm": 0.01, "m": 1.0, "km": 1000.0, "in": 0.0254, "ft": 0.3048, "mi": 1609.344}


def temperature(value: float, source: str, target: str) -> float:
    if source not in TO_KELVIN or target not in FROM_KELVIN:
        raise ValueError(f"unknown temperature unit in {source!r} -> {target!r}")
    kelvin = TO_KELVIN[source](value)
    if kelvin < 0:
        raise ValueError("below absolute zero")
    return round(FROM_KELVIN[target](kelvin), 2)


def length(value: float, source: str, target: str) -> float:
    try:
        return value * METRES[source] / METRES[target]
    except KeyError as exc:
        raise ValueError(f"unknown length unit {exc}") from None
