"""Fenced outbox claims: take the next due message per recipient under a fresh lease token, record its outcome."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.models import OutboxMessage
from bot.models.base import utcnow
from bot.outbox.policy import DEFAULT_POLICY, RetryPolicy

UNSENT = ("pending", "sending")


@dataclass(frozen=True)
class ClaimedMessage:
    """A message this worker holds until it records the outcome, while `lease_token` is still the row's."""

    id: int
    channel: str
    recipient: str
    payload: dict[str, Any]
    attempts: int
    lease_token: str = ""
    lease_expires_at: datetime | None = None
    idempotency_key: str | None = None

    def may_start_send(self, send_timeout: float, now: datetime | None = None) -> bool:
        """True while the lease outlasts a whole send plus as long again to record it."""
        if self.lease_expires_at is None:
            return False
        return self.lease_expires_at - (now or utcnow()) >= timedelta(seconds=2 * send_timeout)


def _claimable(now: datetime):
    """Pending and due, or "sending" under a lease that ran out (its worker died or hung)."""
    lease_over = or_(
        OutboxMessage.lease_expires_at <= now,
        and_(OutboxMessage.lease_expires_at.is_(None), OutboxMessage.next_attempt_at <= now),  # claimed before 0007
    )
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", lease_over),
    )


def _token_is(token: str | None):
    return OutboxMessage.lease_token.is_(None) if token is None else OutboxMessage.lease_token == token


def claim_due(
    session: Session,
    *,
    channels: Iterable[str],
    limit: int = 20,
    now: datetime | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> list[ClaimedMessage]:
    """Claim due messages, at most one per (channel, recipient): its oldest unsent one. The caller commits.

    PostgreSQL locks the candidate rows (FOR UPDATE SKIP LOCKED), so concurrent workers take different
    rows without waiting. Every claim is also a compare-and-set on (status, lease token): on SQLite (one
    writer at a time) that alone makes of several racing workers exactly one the winner. Each claim gets a
    fresh lease token, which outcome recording must present.
    """
    channel_list = list(channels)
    if not channel_list:
        return []
    now = now or utcnow()
    older = aliased(OutboxMessage)
    older_unsent = exists().where(
        older.channel == OutboxMessage.channel,
        older.recipient == OutboxMessage.recipient,
        older.id < OutboxMessage.id,
        older.status.in_(UNSENT),
    )
    candidates = session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.lease_token)
        .where(OutboxMessage.channel.in_(channel_list), _claimable(now), ~older_unsent)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    ).all()
    lease_until = now + timedelta(seconds=policy.lease_seconds)
    claimed: list[ClaimedMessage] = []
    for message_id, status, old_token in candidates:
        token = uuid.uuid4().hex
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == status)
            .where(_token_is(old_token), _claimable(now))
            .values(
                status="sending",
                attempts=OutboxMessage.attempts + 1,
                lease_token=token,
                lease_expires_at=lease_until,
                next_attempt_at=lease_until,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            continue
        row = session.execute(
            select(
                OutboxMessage.channel,
                OutboxMessage.recipient,
                OutboxMessage.payload,
                OutboxMessage.attempts,
                OutboxMessage.idempotency_key,
            ).where(OutboxMessage.id == message_id)
        ).one()
        payload = dict(row.payload)
        claimed.append(
            ClaimedMessage(
                message_id, row.channel, row.recipient, payload, row.attempts, token, lease_until, row.idempotency_key
            )
        )
    return claimed


def _finish(session: Session, claim: ClaimedMessage, values: dict[str, Any]) -> bool:
    """Apply `values` only if `claim` still holds the row; False when its lease was taken over."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.status == "sending", _token_is(claim.lease_token))
        .values(**values, lease_token=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_sent(
    session: Session, claim: ClaimedMessage, *, provider_message_id: str, now: datetime | None = None
) -> bool:
    """Record a delivery the provider accepted (the caller commits); False if the lease was lost."""
    values = {"status": "sent", "provider_message_id": provider_message_id or None, "last_error": None}
    return _finish(session, claim, {**values, "sent_at": now or utcnow()})


def mark_failed_attempt(
    session: Session,
    claim: ClaimedMessage,
    *,
    error: str,
    permanent: bool = False,
    policy: RetryPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
    not_before_seconds: float = 0.0,
) -> str | None:
    """Schedule a retry with back-off (no sooner than `not_before_seconds`, a provider's Retry-After), or
    give up ("failed"); returns the new status, None if the lease was lost. `error` holds no personal data.
    The caller commits."""
    now = now or utcnow()
    give_up = permanent or policy.gives_up_after(claim.attempts)
    values: dict[str, Any] = {"status": "failed" if give_up else "pending", "last_error": error[:500]}
    if not give_up:
        delay = max(policy.delay_after(claim.attempts), not_before_seconds)
        values["next_attempt_at"] = now + timedelta(seconds=delay)
    return values["status"] if _finish(session, claim, values) else None


def release(session: Session, claim: ClaimedMessage, *, now: datetime | None = None) -> bool:
    """Give back a claim that was never sent (shutdown, lease too short): due at once, the attempt not counted."""
    values = {"status": "pending", "attempts": OutboxMessage.attempts - 1, "next_attempt_at": now or utcnow()}
    return _finish(session, claim, values)
