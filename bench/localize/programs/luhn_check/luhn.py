"""Card-number checks: the Luhn checksum, check-digit generation and issuer detection."""

ISSUERS = {"4": "visa", "51": "mastercard", "52": "mastercard", "34": "amex", "37": "amex"}


def digits_of(number: str) -> list[int]:
    cleaned = number.replace(" ", "").replace("-", "")
    if not cleaned.isdigit():
        raise ValueError(f"not a card number: {number!r}")
    return [int(ch) for ch in cleaned]


def checksum(digits: list[int]) -> int:
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 10
        total += digit
    return total % 10


def is_valid(number: str) -> bool:
    return checksum(digits_of(number)) == 0


def check_digit(partial: str) -> int:
    return (10 - checksum(digits_of(partial) + [0])) % 10


def issuer(number: str) -> str:
    cleaned = "".join(str(d) for d in digits_of(number))
    for prefix in sorted(ISSUERS, key=len, reverse=True):
        if cleaned.startswith(prefix):
            return ISSUERS[prefix]
    return "unknown"
