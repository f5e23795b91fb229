"""Calendar arithmetic on (year, month, day) tuples without the datetime module."""

Date = tuple[int, int, int]

MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 31, 31]


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and is_leap(year):
        return 29
    return MONTH_DAYS[month - 1]


def day_of_year(date: Date) -> int:
    year, month, day = date
    return sum(days_in_month(year, m) for m in range(1, month)) + day


def add_days(date: Date, days: int) -> Date:
    year, month, day = date
    day += days
    while day > days_in_month(year, month):
        day -= days_in_month(year, month)
        month += 1
        if month > 12:
            month = 1
            year += 1
    return (year, month, day)


def days_between(start: Date, end: Date) -> int:
    count = 0
    while start < end:
        start = add_days(start, 1)
        count += 1
    return count
