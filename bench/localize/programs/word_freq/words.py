"""Word frequencies of a text: case-folded, apostrophes kept inside words, stopwords skipped."""

import re
from collections import Counter

STOPWORDS = {"a", "an", "and", "the", "of", "to", "in", "is", "it"}
WORD = re.compile(r"[A-Za-z']+")


def tokens(text: str) -> list[str]:
    return WORD.findall(text)


def frequencies(text: str, skip_stopwords: bool = True) -> Counter[str]:
    counts: Counter[str] = Counter()
    for token in tokens(text):
        word = token.lower().strip("'")
        if not word or (skip_stopwords and word in STOPWORDS):
            continue
        counts[token] += 1
    return counts


def top(text: str, n: int) -> list[tuple[str, int]]:
    return sorted(frequencies(text).items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def vocabulary_size(text: str) -> int:
    return len(frequencies(text, skip_stopwords=False))
