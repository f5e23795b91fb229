"""Counts words per line."""


def count(text):
    counts = []
    for line in text.splitlines():
        words = [w for w in line.split(" ") if w]
        counts.append(len(words) + 1)  # @fault
    return counts
