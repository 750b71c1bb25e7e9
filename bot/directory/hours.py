"""Opening hours: validate the YAML format, tell whether an agency is open, and when it opens next."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from bot.settings import get_settings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
Interval = tuple[int, int]  # minutes after local midnight; end <= start runs past midnight


def _minutes(clock: str) -> int:
    hours, minutes = (int(part) for part in clock.split(":"))
    return hours * 60 + minutes


def validate_hours(hours: Any) -> list[str]:
    """Problems with an opening_hours value (empty list when it is valid)."""
    if not isinstance(hours, dict):
        return ["opening_hours must be a mapping"]
    if "always" in hours:
        if hours != {"always": True}:
            return ["opening_hours: 'always' must be true and stand alone"]
        return []
    errors = [f"opening_hours: unknown day {key!r} (use {', '.join(DAYS)})" for key in hours if key not in DAYS]
    for day, intervals in hours.items():
        if day not in DAYS:
            continue
        if not isinstance(intervals, list):
            errors.append(f"opening_hours.{day} must be a list of [start, end] pairs")
            continue
        for interval in intervals:
            if not (isinstance(interval, list) and len(interval) == 2 and all(isinstance(c, str) for c in interval)):
                errors.append(f'opening_hours.{day}: {interval!r} is not a ["HH:MM", "HH:MM"] pair')
                continue
            bad = [clock for clock in interval if not _CLOCK.match(clock) or _minutes(clock) > 1440]
            if bad:
                errors.append(f"opening_hours.{day}: bad time {bad[0]!r} (use 24-hour HH:MM)")
            elif interval[0] == interval[1] or interval[0] == "24:00":
                errors.append(f"opening_hours.{day}: empty interval {interval!r}")
    return errors


def _hours_of(agency_or_hours: Any) -> dict:
    hours = getattr(agency_or_hours, "opening_hours", agency_or_hours)
    return hours or {}


def _day_intervals(hours: dict, weekday: int) -> list[Interval]:
    return sorted((_minutes(start), _minutes(end)) for start, end in hours.get(DAYS[weekday], []))


def local_now(now: datetime | None = None) -> datetime:
    """`now` (naive means UTC; default: the current time) in Haven's local time zone."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(ZoneInfo(get_settings().timezone))


def hours_listed(agency_or_hours: Any) -> bool:
    """Whether any opening hours are known (an empty mapping means "check the website")."""
    return bool(_hours_of(agency_or_hours))


def is_always_open(agency_or_hours: Any) -> bool:
    """Whether the agency is open around the clock."""
    return _hours_of(agency_or_hours).get("always") is True


def closing_time(agency_or_hours: Any, now: datetime | None = None) -> time | None:
    """When the current opening ends (local time), or None when closed or always open."""
    hours = _hours_of(agency_or_hours)
    if not hours or hours.get("always"):
        return None
    local = local_now(now)
    minute = local.hour * 60 + local.minute
    for start, end in _day_intervals(hours, local.weekday()):
        if (start < end and start <= minute < end) or (end <= start and minute >= start):
            return _clock_time(end)
    for start, end in _day_intervals(hours, (local.weekday() - 1) % 7):
        if end <= start and minute < end:
            return _clock_time(end)
    return None


def _clock_time(minutes: int) -> time:
    return time(0, 0) if minutes >= 1440 else time(minutes // 60, minutes % 60)


def is_open(agency_or_hours: Any, now: datetime | None = None) -> bool:
    """Whether the agency (or an opening_hours mapping) is open at `now`; unlisted hours count as closed."""
    return is_always_open(agency_or_hours) or closing_time(agency_or_hours, now) is not None


def next_opening(agency_or_hours: Any, now: datetime | None = None) -> datetime | None:
    """The next local time the agency opens after `now` (None when always open or hours are unknown)."""
    hours = _hours_of(agency_or_hours)
    if not hours or hours.get("always"):
        return None
    local = local_now(now)
    zone = local.tzinfo
    for offset in range(8):
        day: date = (local + timedelta(days=offset)).date()
        for start, _end in _day_intervals(hours, day.weekday()):
            opening = datetime.combine(day, _clock_time(start), tzinfo=zone)
            if opening > local:
                return opening
    return None


def describe_status(agency_or_hours: Any, now: datetime | None = None) -> str:
    """A short phrase for users: "open 24/7", "open now until 17:00", "closed now, opens Monday at 09:00"."""
    if is_always_open(agency_or_hours):
        return "open 24/7"
    if not hours_listed(agency_or_hours):
        return "see their website for opening times"
    closes = closing_time(agency_or_hours, now)
    if closes is not None:
        return "open now until midnight" if closes == time(0, 0) else f"open now until {closes:%H:%M}"
    opening = next_opening(agency_or_hours, now)
    if opening is None:
        return "closed now"
    days_ahead = (opening.date() - local_now(now).date()).days
    when = "today" if days_ahead == 0 else "tomorrow" if days_ahead == 1 else DAY_NAMES[opening.weekday()]
    return f"closed now, opens {when} at {opening:%H:%M}"
