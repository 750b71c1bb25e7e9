"""A verified victim with one new shareable update, and what the outbox and staff alerts then hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.cases.identities import link_verified
from bot.models import OutboxMessage, StaffAlert
from tests.cases.factories import make_case

NUMBER = "+447700900321"
CHAT = "5150"
REFERENCE = "SP/20001/26"
WHEN = datetime(2026, 11, 16, 9, 0)


def victim_with_an_update(session, *, telegram: bool = False) -> int:
    """A victim verified on SMS (and on Telegram when asked), with one update they may be told; their id."""
    _case, victim = make_case(session, reference=REFERENCE, updates=[(WHEN, "CCTV reviewed.", True)])
    link_verified(session, channel="sms", address=NUMBER, victim_id=victim.id)
    if telegram:
        link_verified(session, channel="telegram", address=CHAT, victim_id=victim.id)
    session.commit()
    return victim.id


def nudges(session) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.origin == "notification").order_by(OutboxMessage.id)
    return list(session.scalars(query))


def alerts(session) -> list[tuple[str, dict]]:
    session.expire_all()
    return [(alert.kind, alert.detail) for alert in session.scalars(select(StaffAlert).order_by(StaffAlert.id))]
