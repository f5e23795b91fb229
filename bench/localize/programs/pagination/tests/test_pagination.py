import pytest

from pages import get_page, page_count, window

ITEMS = list(range(1, 24))


@pytest.mark.parametrize(
    ("total", "per_page", "expected"),
    [(0, 10, 1), (1, 10, 1), (23, 10, 3), (9, 10, 1), (20, 10, 2), (30, 5, 6)],
)
def test_page_count(total, per_page, expected):
    assert page_count(total, per_page) == expected


def test_first_page():
    page = get_page(ITEMS, 1, 10)
    assert (page.items, page.has_prev, page.has_next) == (list(range(1, 11)), False, True)


def test_last_partial_page():
    page = get_page(ITEMS, 3, 10)
    assert (page.items, page.has_next) == ([21, 22, 23], False)


def test_last_full_page_has_no_next():
    page = get_page(list(range(20)), 2, 10)
    assert not page.has_next


def test_page_out_of_range():
    with pytest.raises(IndexError):
        get_page(ITEMS, 4, 10)


@pytest.mark.parametrize(
    ("current", "pages", "expected"),
    [(1, 10, [1, 2, 3, 4, 5]), (6, 10, [4, 5, 6, 7, 8]), (10, 10, [6, 7, 8, 9, 10]), (2, 3, [1, 2, 3])],
)
def test_window(current, pages, expected):
    assert window(current, pages) == expected
