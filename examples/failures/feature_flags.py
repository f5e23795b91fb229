"""Feature flags read through a memoised lookup. Bug: `is_enabled` is wrapped in lru_cache, so after
`set_flag` changes `_flags` the cached answer is still served (nothing calls cache_clear)."""

from functools import cache

_flags = {"new_checkout": False, "dark_mode": True}


@cache
def is_enabled(name: str) -> bool:
    return _flags.get(name, False)


def set_flag(name: str, value: bool) -> None:
    _flags[name] = value


def check_toggle() -> None:
    assert not is_enabled("new_checkout")
    set_flag("new_checkout", True)
    assert is_enabled("new_checkout"), "new_checkout is still off after enabling it"


if __name__ == "__main__":
    check_toggle()
    print("ok")
