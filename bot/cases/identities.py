"""Contact identities (a phone, Telegram chat or web session): last seen, verified link, opt-out."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models.base import utcnow
from bot.models.cases import ContactIdentity


class SenderAddress(NamedTuple):
    """Where a victim writes from: a channel and the id on it. Its one stored form, and Rasa's sender id, is
    "<channel>:<id>" (e.g. "sms:+447700900123"); every module reads and writes addresses through this type."""

    channel: str
    id: str

    @classmethod
    def parse(cls, sender_id: str | None) -> SenderAddress:
        """("sms", "+447700900123") from "sms:+447700900123"; ("", sender_id) without a channel prefix."""
        channel, separator, address = (sender_id or "").partition(":")
        if not separator or not channel:
            return cls("", sender_id or "")
        return cls(channel, address)

    @classmethod
    def on(cls, channel: str, recipient: str) -> SenderAddress:
        """The address on `channel` of a recipient given as a sender id ("sms:+44...") or a bare id ("+44...")."""
        prefix = f"{channel}:"
        return cls(channel, recipient[len(prefix):] if recipient.startswith(prefix) else recipient)

    @property
    def sender_id(self) -> str:
        """The stored form and Rasa's sender id: "<channel>:<id>"."""
        return f"{self.channel}:{self.id}"


def find_identity(session: Session, *, channel: str, address: str) -> ContactIdentity | None:
    """The identity for this channel address, if seen before."""
    return session.scalar(
        select(ContactIdentity).where(ContactIdentity.channel == channel, ContactIdentity.address == address)
    )


def record_contact(
    session: Session, *, channel: str, address: str, now: datetime | None = None
) -> ContactIdentity:
    """Create the identity on first contact, or update when it was last seen."""
    now = now or utcnow()
    identity = find_identity(session, channel=channel, address=address)
    if identity is None:
        identity = ContactIdentity(channel=channel, address=address, first_seen_at=now, last_seen_at=now)
        session.add(identity)
    else:
        identity.last_seen_at = now
    session.flush()
    return identity


def link_verified(
    session: Session, *, channel: str, address: str, victim_id: int, now: datetime | None = None
) -> ContactIdentity:
    """Link the identity to the victim it was just verified as."""
    now = now or utcnow()
    identity = record_contact(session, channel=channel, address=address, now=now)
    identity.victim_id = victim_id
    identity.verified_at = now
    session.flush()
    return identity


def opt_out(session: Session, *, channel: str, address: str, now: datetime | None = None) -> ContactIdentity:
    """Stop proactive messages to this address (replies to what they ask are unaffected)."""
    now = now or utcnow()
    identity = record_contact(session, channel=channel, address=address, now=now)
    identity.opted_out = True
    identity.opted_out_at = now
    session.flush()
    return identity


def opt_in(session: Session, *, channel: str, address: str, now: datetime | None = None) -> ContactIdentity:
    """Allow proactive messages to this address again."""
    identity = record_contact(session, channel=channel, address=address, now=now)
    identity.opted_out = False
    identity.opted_out_at = None
    session.flush()
    return identity


def is_opted_out(session: Session, *, channel: str, address: str) -> bool:
    """True when this address has asked for no proactive messages."""
    identity = find_identity(session, channel=channel, address=address)
    return bool(identity and identity.opted_out)
