import pytest

from dates import add_days, day_of_year, days_between, days_in_month, is_leap


@pytest.mark.parametrize(
    ("year", "leap"), [(2024, True), (2023, False), (1900, False), (2000, True)]
)
def test_is_leap(year, leap):
    assert is_leap(year) is leap


def test_february():
    assert days_in_month(2024, 2) == 29
    assert days_in_month(2023, 2) == 28


@pytest.mark.parametrize(
    ("date", "expected"),
    [((2023, 1, 1), 1), ((2023, 3, 1), 60), ((2024, 3, 1), 61), ((2023, 12, 31), 365)],
)
def test_day_of_year(date, expected):
    assert day_of_year(date) == expected


def test_add_days_within_month():
    assert add_days((2023, 5, 10), 5) == (2023, 5, 15)


def test_add_days_over_february():
    assert add_days((2024, 2, 28), 2) == (2024, 3, 1)


def test_add_days_end_of_november():
    assert add_days((2023, 11, 29), 2) == (2023, 12, 1)


def test_days_between_summer():
    assert days_between((2023, 6, 1), (2023, 9, 1)) == 92
