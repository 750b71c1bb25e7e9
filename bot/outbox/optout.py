"""SMS-style opt-out flags on contact identities (STOP / START)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import ContactIdentity
from bot.models.base import utcnow


def _identity(session: Session, *, channel: str, address: str) -> ContactIdentity | None:
    return session.scalars(
        select(ContactIdentity).where(ContactIdentity.channel == channel, ContactIdentity.address == address)
    ).first()


def is_opted_out(session: Session, *, channel: str, address: str) -> bool:
    """True when the address sent STOP (and not START since)."""
    identity = _identity(session, channel=channel, address=address)
    return bool(identity and identity.opted_out)


def set_opted_out(session: Session, *, channel: str, address: str, opted_out: bool) -> ContactIdentity:
    """Record an opt-out (or opt back in), creating the identity if it is new; the caller commits."""
    identity = _identity(session, channel=channel, address=address)
    now = utcnow()
    if identity is None:
        identity = ContactIdentity(channel=channel, address=address, first_seen_at=now)
        session.add(identity)
    identity.opted_out = opted_out
    identity.opted_out_at = now if opted_out else None
    identity.last_seen_at = now
    session.flush()
    return identity
