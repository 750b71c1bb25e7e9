"""Whether gateway staff are on duty now, and a rough expected wait for a new hand-off."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.directory.hours import DAYS, is_open, validate_hours
from bot.models.base import utcnow
from bot.models.handoff import Handoff
from bot.models.staff import Staff
from bot.settings import SettingsError, get_settings

SEEN_WINDOW = timedelta(minutes=5)
CLAIM_HISTORY = timedelta(days=7)
CLAIM_SAMPLE = 20
_SPAN = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")

def parse_gateway_hours(text: str) -> dict[str, list[list[str]]]:
    """"Mon-Fri 08:00-20:00, Sat 09:00-17:00" as the directory's opening-hours mapping
    ({"mon": [["08:00", "20:00"]], ...}), so the gateway and every agency are judged by one model
    (bot.directory.hours)."""
    hours: dict[str, list[list[str]]] = {}
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
        if start.zfill(5) == end.zfill(5):
            continue  # "Sun 00:00-00:00": closed that day
        for day in DAYS[first_day : last_day + 1]:
            hours.setdefault(day, []).append([start.zfill(5), end.zfill(5)])
    problems = validate_hours(hours)
    if problems:
        raise SettingsError(f"HAVEN_GATEWAY_HOURS: {problems[0]}")
    return hours


def within_gateway_hours(now: datetime) -> bool:
    """True when `now` falls inside the published gateway opening hours."""
    return is_open(parse_gateway_hours(get_settings().gateway_hours), now)


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
