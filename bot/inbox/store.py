"""Inbox data access: store a received message once, claim the oldest unhandled one per sender, record the end."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.models.base import utcnow
from bot.models.inbox import InboxMessage
from bot.privacy.encryption import decrypt_data, encrypt_data

UNHANDLED = ("pending", "processing")


@dataclass(frozen=True)
class ClaimedInbound:
    """An inbound message this processor owns until it records the outcome or its lease runs out."""

    id: int
    provider_id: str
    channel: str
    address: str
    content: dict[str, Any]
    attempts: int
    lease_token: str

    @property
    def redriven(self) -> bool:
        """True when an earlier attempt may already have run part of this message's turn."""
        return self.attempts > 1


@dataclass(frozen=True)
class Received:
    """What storing a delivery found: its row, whether it is new and already handled, and the claim on it
    when the caller asked to handle it at once (`hold_for`) and no earlier message of the sender waits."""

    id: int
    new: bool
    handled: bool
    claim: ClaimedInbound | None = None


def _sender_has_unhandled(session: Session, channel: str, address: str) -> bool:
    return session.scalar(
        select(InboxMessage.id).where(
            InboxMessage.channel == channel, InboxMessage.address == address, InboxMessage.status.in_(UNHANDLED)
        ).limit(1)
    ) is not None


def receive(
    session: Session,
    *,
    provider: str,
    provider_id: str,
    channel: str,
    address: str,
    content: dict[str, Any],
    hold_for: timedelta | None = None,
) -> Received:
    """Store a delivery and commit; a provider's retry of a stored message finds the existing row.

    With `hold_for`, a channel that answers in the same request (REST) takes the message at once, leased for
    that long, so no processor handles it unless this one dies; not when an earlier message still waits."""
    now, address = utcnow(), address[:200]
    held = hold_for is not None and not _sender_has_unhandled(session, channel, address)
    token = secrets.token_hex(16) if held else None
    row = InboxMessage(
        provider=provider, provider_id=provider_id[:120], channel=channel, address=address,
        content=encrypt_data(json.dumps(content)), status="processing" if held else "pending",
        attempts=1 if held else 0, lease_token=token, lease_until=now + hold_for if held else None, received_at=now,
    )
    session.add(row)
    try:
        session.commit()
        claim = ClaimedInbound(row.id, row.provider_id, channel, address, content, 1, token) if held else None
        return Received(id=row.id, new=True, handled=False, claim=claim)
    except IntegrityError:
        session.rollback()
    existing = session.execute(
        select(InboxMessage.id, InboxMessage.status).where(
            InboxMessage.provider == provider, InboxMessage.provider_id == provider_id[:120]
        )
    ).one()
    return Received(id=existing.id, new=False, handled=existing.status not in UNHANDLED)


def claim_due(
    session: Session, *, lease: timedelta, limit: int = 20, now: datetime | None = None
) -> list[ClaimedInbound]:
    """Claim the oldest unhandled message of each sender whose earlier messages are all handled.

    A message is due when pending, or when the processor holding it let its lease run out (it crashed).
    Each claim is a conditional UPDATE on the attempts seen, so of several processors exactly one wins.
    The caller commits.
    """
    now = now or utcnow()
    older = aliased(InboxMessage)
    waits_for_older = exists().where(
        and_(
            older.channel == InboxMessage.channel,
            older.address == InboxMessage.address,
            older.id < InboxMessage.id,
            older.status.in_(UNHANDLED),
        )
    )
    free = or_(InboxMessage.lease_until.is_(None), InboxMessage.lease_until < now)  # no live lease, no retry wait
    due = and_(InboxMessage.status.in_(UNHANDLED), free)
    candidates = session.execute(
        select(InboxMessage.id, InboxMessage.attempts)
        .where(due, ~waits_for_older)
        .order_by(InboxMessage.id)
        .limit(limit)
    ).all()
    claimed = []
    for inbox_id, attempts in candidates:
        token = secrets.token_hex(16)
        won = session.execute(
            update(InboxMessage)
            .where(InboxMessage.id == inbox_id, InboxMessage.attempts == attempts, InboxMessage.status.in_(UNHANDLED))
            .values(status="processing", attempts=attempts + 1, lease_token=token, lease_until=now + lease)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            continue
        row = session.get(InboxMessage, inbox_id, populate_existing=True)
        content = json.loads(decrypt_data(row.content)) if row.content else {}
        claimed.append(
            ClaimedInbound(inbox_id, row.provider_id, row.channel, row.address, content, attempts + 1, token)
        )
    return claimed


def _held(inbox_id: int, lease_token: str) -> Any:
    """The condition "this claim still holds the message" (fencing: a taken-over lease matches nothing)."""
    held_by = and_(InboxMessage.id == inbox_id, InboxMessage.lease_token == lease_token)
    return and_(held_by, InboxMessage.status == "processing")


def extend_lease(session: Session, *, inbox_id: int, lease_token: str, lease: timedelta) -> bool:
    """Keep a message that is still being handled; False when the lease was lost (the caller commits)."""
    result = session.execute(
        update(InboxMessage).where(_held(inbox_id, lease_token)).values(lease_until=utcnow() + lease)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_handled(session: Session, *, inbox_id: int, lease_token: str, outcome: str) -> bool:
    """Record the message as handled and forget its text (the conversation keeps it); False without the lease."""
    result = session.execute(
        update(InboxMessage)
        .where(_held(inbox_id, lease_token))
        .values(status="handled", handled_at=utcnow(), content=None, lease_token=None, lease_until=None,
                outcome=outcome[:40])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release(session: Session, *, inbox_id: int, lease_token: str, retry_after: timedelta, reason: str) -> bool:
    """Give a message back after a failed attempt, to be tried again after `retry_after` (order is kept)."""
    result = session.execute(
        update(InboxMessage)
        .where(_held(inbox_id, lease_token))
        .values(status="pending", lease_token=None, lease_until=utcnow() + retry_after, outcome=reason[:40])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def give_up(session: Session, *, inbox_id: int, lease_token: str, reason: str) -> bool:
    """Stop retrying a message that keeps failing, so the sender's later messages are not held behind it.
    Its encrypted content is kept for staff to investigate (retention removes it later)."""
    result = session.execute(
        update(InboxMessage)
        .where(_held(inbox_id, lease_token))
        .values(status="failed", lease_token=None, lease_until=None, handled_at=utcnow(), outcome=reason[:40])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def unhandled_count(session: Session) -> int:
    """How many stored messages are not handled yet (for health checks and benchmarks)."""
    return session.scalar(select(func.count(InboxMessage.id)).where(InboxMessage.status.in_(UNHANDLED))) or 0
