"""When an unprompted message may go: a daily window, "not at weekends" and quiet hours, in local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d\d)\s*-\s*(\d{1,2}):(\d\d)\s*$")
DAYS_LOOKED_AHEAD = 8  # a week and a day: a permitted time, if there is one, falls inside it
SATURDAY = 5


@dataclass(frozen=True)
class DailyWindow:
    """A time range each day, [start, end), which may run past midnight (e.g. 21:00-08:00)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_window(text: str | None) -> DailyWindow | None:
    """ "18:00-21:00" as a window; None for empty text. Raises ValueError for anything else."""
    if not text or not text.strip():
        return None
    match = _WINDOW.match(text)
    if match is None:
        raise ValueError('give the times like "18:00-21:00"')
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
    if max(start_hour, end_hour) > 23 or max(start_minute, end_minute) > 59:
        raise ValueError("hours run 00 to 23 and minutes 00 to 59")
    window = DailyWindow(time(start_hour, start_minute), time(end_hour, end_minute))
    if window.start == window.end:
        raise ValueError("the start and end times must differ")
    return window


@dataclass(frozen=True)
class ContactTimes:
    """Everything that limits when a message may go to one victim."""

    window: DailyWindow | None = None
    no_weekends: bool = False
    quiet: DailyWindow | None = None

    def permits(self, local: datetime) -> bool:
        if self.no_weekends and local.weekday() >= SATURDAY:
            return False
        if self.quiet is not None and self.quiet.contains(local.time()):
            return False
        return self.window is None or self.window.contains(local.time())

    def next_permitted(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """The first permitted moment at or after `now` (naive UTC in and out); None if none comes within a week.

        A permitted stretch starts at `now`, at midnight, at the end of quiet hours or at the window's start,
        so only those moments need checking."""
        local_now = now.replace(tzinfo=timezone.utc).astimezone(zone)
        edges = (self.quiet.end if self.quiet else None, self.window.start if self.window else None)
        starts = [time(0), *(edge for edge in edges if edge is not None)]
        candidates = [local_now] + [
            datetime.combine(local_now.date() + timedelta(days=day), start, tzinfo=zone)
            for day in range(DAYS_LOOKED_AHEAD)
            for start in starts
        ]
        ordered = sorted((moment.astimezone(timezone.utc) for moment in candidates), key=lambda moment: moment)
        for moment in ordered:
            if moment >= local_now and self.permits(moment.astimezone(zone)):
                return moment.replace(tzinfo=None)
        return None
