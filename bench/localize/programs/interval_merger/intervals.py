"""Closed intervals [start, end]: merge overlapping ones, insert one, measure coverage."""

Interval = tuple[int, int]


def merge(intervals: list[Interval]) -> list[Interval]:
    ordered = sorted(intervals)
    merged: list[Interval] = []
    for start, end in ordered:
        if start > end:
            raise ValueError(f"bad interval {(start, end)}")
        if merged and start < merged[-1][1]:
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def insert(intervals: list[Interval], new: Interval) -> list[Interval]:
    return merge([*intervals, new])


def covered(intervals: list[Interval]) -> int:
    return sum(end - start for start, end in merge(intervals))


def gaps(intervals: list[Interval]) -> list[Interval]:
    spans = merge(intervals)
    return [(a_end, b_start) for (_, a_end), (b_start, _) in zip(spans, spans[1:])]
