"""Working days skip weekends and England and Wales bank holidays, with their substitute days (a fixed calendar)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.clocks.working_days import add_working_days, is_working_day, local_date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1: the Monday
        (date(2026, 11, 20), 5, date(2026, 11, 27)),  # Friday + 5: the next Friday
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # a Saturday's news counts from Monday
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas Fri 25, weekend, Boxing Day moved to Mon 28
        (date(2026, 12, 23), 5, date(2027, 1, 4)),  # 24, 29, 30, 31, then New Year's Day is skipped
        (date(2027, 12, 24), 1, date(2027, 12, 29)),  # both days on a weekend: Mon 27 and Tue 28 substitutes
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Good Friday 26 March and Easter Monday 29 March 2027
        (date(2027, 3, 25), 5, date(2027, 4, 5)),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute)
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday 2026
    assert not is_working_day(date(2026, 11, 22))  # a Sunday
    assert is_working_day(date(2026, 12, 29))


def test_the_day_is_the_local_day_in_the_uk():
    assert local_date(datetime(2026, 7, 1, 23, 30), "Europe/London") == date(2026, 7, 2)  # BST
    assert local_date(datetime(2026, 12, 1, 23, 30), "Europe/London") == date(2026, 12, 1)  # GMT
