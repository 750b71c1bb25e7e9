"""Opening hours in Europe/London time: weekdays, weekends, across midnight, summer time, unlisted hours."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.directory.hours import describe_status, is_open, next_opening

OFFICE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
NIGHTS = {day: [["18:00", "02:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SUNDAY_LATE = {"sun": [["22:00", "03:00"]]}
EVENINGS_TO_MIDNIGHT = {"mon": [["17:00", "24:00"]]}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# 2026-11-23 is a Monday; in November London is on GMT (UTC+0).
@pytest.mark.parametrize(
    ("hours", "now", "expected"),
    [
        (OFFICE, utc(2026, 11, 23, 10, 0), True),
        (OFFICE, utc(2026, 11, 23, 8, 59), False),
        (OFFICE, utc(2026, 11, 23, 17, 0), False),
        (OFFICE, utc(2026, 11, 28, 12, 0), False),  # Saturday
        (OFFICE, utc(2026, 11, 29, 12, 0), False),  # Sunday
        (NIGHTS, utc(2026, 11, 23, 23, 30), True),
        (NIGHTS, utc(2026, 11, 24, 1, 59), True),  # Tuesday morning, from Monday night
        (NIGHTS, utc(2026, 11, 24, 2, 0), False),
        (NIGHTS, utc(2026, 11, 24, 12, 0), False),
        (SUNDAY_LATE, utc(2026, 11, 23, 2, 30), True),  # Monday morning, from Sunday night
        (SUNDAY_LATE, utc(2026, 11, 24, 2, 30), False),  # Tuesday morning: Monday has no late shift
        (EVENINGS_TO_MIDNIGHT, utc(2026, 11, 23, 23, 59), True),
        (EVENINGS_TO_MIDNIGHT, utc(2026, 11, 24, 0, 0), False),
        ({"always": True}, utc(2026, 12, 25, 3, 0), True),
        ({}, utc(2026, 11, 23, 12, 0), False),
    ],
)
def test_is_open(hours, now, expected):
    assert is_open(hours, now) is expected


def test_summer_time_is_applied():
    # 08:30 UTC in July is 09:30 in London (BST): open. 16:30 UTC is 17:30 BST: closed.
    assert is_open(OFFICE, utc(2026, 7, 6, 8, 30)) is True
    assert is_open(OFFICE, utc(2026, 7, 6, 16, 30)) is False


def test_naive_datetimes_are_taken_as_utc():
    assert is_open(OFFICE, datetime(2026, 7, 6, 8, 30)) is True


@pytest.mark.parametrize(
    ("hours", "now", "text"),
    [
        ({"always": True}, utc(2026, 11, 23, 3, 0), "open 24/7"),
        ({}, utc(2026, 11, 23, 3, 0), "see their website for opening times"),
        (OFFICE, utc(2026, 11, 23, 10, 0), "open now until 17:00"),
        (OFFICE, utc(2026, 11, 23, 7, 0), "closed now, opens today at 09:00"),
        (OFFICE, utc(2026, 11, 23, 18, 0), "closed now, opens tomorrow at 09:00"),
        (OFFICE, utc(2026, 11, 28, 12, 0), "closed now, opens Monday at 09:00"),
        (NIGHTS, utc(2026, 11, 24, 1, 0), "open now until 02:00"),
        (NIGHTS, utc(2026, 11, 24, 3, 0), "closed now, opens today at 18:00"),
        (EVENINGS_TO_MIDNIGHT, utc(2026, 11, 23, 20, 0), "open now until midnight"),
    ],
)
def test_describe_status(hours, now, text):
    assert describe_status(hours, now) == text


def test_next_opening_is_in_london_time_across_the_clocks_going_forward():
    # Saturday 28 March 2026, clocks go forward on Sunday 29 March: Monday opens 09:00 BST.
    opening = next_opening(OFFICE, utc(2026, 3, 28, 12, 0))
    assert opening is not None
    assert (opening.isoformat(), opening.astimezone(timezone.utc).hour) == ("2026-03-30T09:00:00+01:00", 8)
