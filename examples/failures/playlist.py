"""The n-th track across an album's discs. Bug: the recursive call skips one track too many
(`+ 1`), so asking for the first track of the last disc runs past the end and the guard fires."""


def nth_track(discs: list[list[str]], n: int) -> str:
    if not discs or n < 0:
        raise IndexError(f"track {n} is past the last disc")
    first = discs[0]
    if n < len(first):
        return first[n]
    return nth_track(discs[1:], n - len(first) + 1)


if __name__ == "__main__":
    album = [["intro", "song"], ["finale"]]
    print(nth_track(album, 0))
    print(nth_track(album, 2))
