"""Test data for hand-off and console tests: staff accounts and hand-offs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.console.staff_store import add_staff
from bot.handoff.queue import open_handoff
from bot.models.handoff import Handoff
from bot.models.staff import Staff

PASSWORD = "correct horse battery staple"


def make_staff(
    session: Session,
    username: str = "jo.worker",
    *,
    role: str = "worker",
    name: str | None = None,
    password: str = PASSWORD,
) -> Staff:
    """A committed, active staff account."""
    staff = add_staff(
        session, username=username, display_name=name or username.split(".")[0].title(), role=role, password=password
    )
    session.commit()
    return staff


def make_handoff(
    session: Session,
    sender_id: str = "sms:+447700900123",
    *,
    level: str = "normal",
    reason: str = "requested",
    category: str | None = None,
    created_at: datetime | None = None,
) -> Handoff:
    """A committed, waiting hand-off (optionally back-dated)."""
    handoff = open_handoff(
        session, sender_id=sender_id, channel=sender_id.split(":")[0], reason=reason, level=level, category=category
    )
    if created_at is not None:
        handoff.created_at = created_at
    session.commit()
    return handoff
