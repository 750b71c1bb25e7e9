"""Whether gateway staff are on duty now, and a rough expected wait for a new hand-off."""

from __future__ import annotations

import math
import re
from datetime import datetime, time, timedelta, timezone
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models.base import utcnow
from bot.models.handoff import Handoff
from bot.models.staff import Staff
from bot.settings import SettingsError, get_settings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEEN_WINDOW = timedelta(minutes=5)
CLAIM_HISTORY = timedelta(days=7)
CLAIM_SAMPLE = 20
_SPAN = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")

OpeningHours = dict[int, list[tuple[time, time]]]


def parse_gateway_hours(text: str) -> OpeningHours:
    """Parse "Mon-Fri 08:00-20:00, Sat 09:00-17:00" into {weekday: [(start, end), ...]}."""
    hours: OpeningHours = {}
    for part in filter(None, (chunk.strip() for chunk in text.split(","))):
        match = _SPAN.match(part)
        if not match:
            raise SettingsError(f"HAVEN_GATEWAY_HOURS: can't read {part!r}")
        first, last, start, end = match.groups()
        try:
            first_day = DAYS.index(first.lower())
            last_day = DAYS.index((last or first).lower())
        except ValueError as error:
            raise SettingsError(f"HAVEN_GATEWAY_HOURS: unknown day in {part!r}") from error
        span = (time.fromisoformat(start.zfill(5)), time.fromisoformat(end.zfill(5)))
        for day in range(first_day, last_day + 1):
            hours.setdefault(day, []).append(span)
    return hours


def _local(now: datetime) -> datetime:
    """`now` (naive UTC or aware) in the gateway's time zone."""
    aware = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    return aware.astimezone(ZoneInfo(get_settings().timezone))


def within_gateway_hours(now: datetime) -> bool:
    """True when `now` falls inside the published gateway opening hours."""
    local = _local(now)
    spans = parse_gateway_hours(get_settings().gateway_hours).get(local.weekday(), [])
    return any(start <= local.time() < end for start, end in spans)


def staff_seen_recently(session: Session, now: datetime) -> bool:
    """True when an active staff member used the console in the last five minutes."""
    naive_now = now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo else now
    query = select(func.count(Staff.id)).where(Staff.active.is_(True), Staff.last_seen_at >= naive_now - SEEN_WINDOW)
    return bool(session.scalar(query))


def staff_on_duty(session: Session, now: datetime | None = None) -> bool:
    """True when someone is in the console now, or it is within the gateway's opening hours."""
    now = now or utcnow()
    return staff_seen_recently(session, now) or within_gateway_hours(now)


def expected_wait_minutes(session: Session) -> int | None:
    """Median recent time-to-claim times the number waiting; None without recent claims to go on."""
    since = utcnow() - CLAIM_HISTORY
    recent = session.execute(
        select(Handoff.created_at, Handoff.claimed_at)
        .where(Handoff.claimed_at.is_not(None), Handoff.created_at >= since)
        .order_by(Handoff.claimed_at.desc())
        .limit(CLAIM_SAMPLE)
    ).all()
    if not recent:
        return None
    typical = median(max(0.0, (claimed - created).total_seconds()) for created, claimed in recent) / 60
    waiting = session.scalar(select(func.count(Handoff.id)).where(Handoff.status == "waiting")) or 0
    return max(1, math.ceil(typical * max(1, waiting)))
