"""Working-day arithmetic: weekends and England and Wales bank holidays, from the maintained `holidays` library.

`holidays.UK(subdiv="ENG")` lists England's bank holidays (with substitute days, e.g. Boxing Day on a
Saturday moves to the Monday). Wales has the same bank holidays as England (checked for 2020-2035 against
`subdiv="WLS"`: no day differs), so one calendar serves both. No date here is written by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

SATURDAY = 5


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England and Wales bank holiday."""
    return day.weekday() < SATURDAY and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (the start day itself never counts), e.g. Friday + 1 = Monday."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def next_working_day_from(day: date) -> date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def local_date(moment: datetime, zone: str) -> date:
    """The calendar date of `moment` (naive means UTC) in the time zone `zone`, e.g. "Europe/London"."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(ZoneInfo(zone)).date()
