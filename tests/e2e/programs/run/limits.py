"""Test debuggee: the crash depends on a global the program sets before the call, not on the
call's arguments, so a test that calls `check(5)` on the imported module does not crash."""

LIMIT = 10


def check(n):
    if n > LIMIT:
        raise ValueError(f"{n} is over the limit {LIMIT}")
    return n


if __name__ == "__main__":
    LIMIT = 0
    check(5)
