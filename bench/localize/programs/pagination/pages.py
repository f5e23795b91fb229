"""Pagination of a result list: page count, slices, and the page links shown to the user."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    number: int
    items: list
    has_prev: bool
    has_next: bool


def page_count(total: int, per_page: int) -> int:
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    return max(1, (total + per_page) // per_page)


def get_page(items: list, number: int, per_page: int) -> Page:
    pages = page_count(len(items), per_page)
    if not 1 <= number <= pages:
        raise IndexError(f"page {number} of {pages}")
    start = (number - 1) * per_page
    return Page(number, items[start : start + per_page], number > 1, number < pages)


def window(current: int, pages: int, width: int = 5) -> list[int]:
    half = width // 2
    first = max(1, min(current - half, pages - width + 1))
    return list(range(first, min(pages, first + width - 1) + 1))
