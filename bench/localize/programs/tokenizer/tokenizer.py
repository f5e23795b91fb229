"""A tokenizer for a small expression language: numbers, names, strings and operators."""

from dataclasses import dataclass

TWO_CHAR_OPS = {"==", "!=", "<=", ">=", "**", "->"}
ONE_CHAR_OPS = set("+-*/%<>=(),[]")


class TokenizeError(Exception):
    pass


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit():
            start = i
            while i < n and (source[i].isdigit() or source[i] == "."):
                i += 1
            tokens.append(Token("NUM", source[start:i], start))
        elif ch.isalpha() or ch == "_":
            start = i
            while i < n and (source[i].isalnum() or source[i] == "_"):
                i += 1
            tokens.append(Token("NAME", source[start:i], start))
        elif ch in "\"'":
            end = source.find(ch, i + 1)
            if end < 0:
                raise TokenizeError(f"unterminated string starting at {i}")
            tokens.append(Token("STR", source[i + 1 : end - 1], i))
            i = end + 1
        elif source[i : i + 2] in TWO_CHAR_OPS:
            tokens.append(Token("OP", source[i : i + 2], i))
            i += 2
        elif ch in ONE_CHAR_OPS:
            tokens.append(Token("OP", ch, i))
            i += 1
        else:
            raise TokenizeError(f"unexpected character {ch!r} at {i}")
    return tokens


def kinds(source: str) -> list[str]:
    return [token.kind for token in tokenize(source)]
