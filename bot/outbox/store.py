"""Outbox data access: enqueue, claim the next due message per recipient, record the outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, exists, select, update
from sqlalchemy.orm import Session, aliased

from bot.cases.identities import is_opted_out
from bot.models import OutboxMessage
from bot.models.base import utcnow
from bot.outbox import senders
from bot.outbox.policy import DEFAULT_POLICY, RetryPolicy

UNSENT = ("pending", "sending")
_NOTIFY_PENDING = "haven_outbox_notify_pending"
_LISTENING = "haven_outbox_listening"


@dataclass(frozen=True)
class ClaimedMessage:
    """A message this worker now owns until it records the outcome (or the lease runs out)."""

    id: int
    channel: str
    recipient: str
    payload: dict[str, Any]
    attempts: int


def normalise_recipient(channel: str, recipient: str) -> str:
    """The bare address: "sms:+44..." and "+44..." are the same recipient on channel "sms"."""
    prefix = f"{channel}:"
    return recipient[len(prefix) :] if recipient.startswith(prefix) else recipient


def _notify_after_commit(session: Session) -> None:
    """Wake in-process workers once the session commits (uncommitted rows are invisible to them)."""
    session.info[_NOTIFY_PENDING] = True
    if session.info.get(_LISTENING):
        return
    session.info[_LISTENING] = True

    def _after_commit(committed: Session) -> None:
        if committed.info.pop(_NOTIFY_PENDING, False):
            senders.notify_enqueued()

    event.listen(session, "after_commit", _after_commit)


def enqueue(
    session: Session, *, channel: str, recipient: str, payload: dict[str, Any], origin: str = "bot"
) -> OutboxMessage:
    """Store a message for delivery (the caller commits); returns the first row it became.

    A channel's registered splitter may turn one payload into several rows (e.g. an SMS too long
    for one message). Notifications to an address that opted out are stored as "suppressed".
    """
    address = normalise_recipient(channel, recipient)
    suppressed = origin == "notification" and is_opted_out(session, channel=channel, address=address)
    rows = [
        OutboxMessage(
            channel=channel,
            recipient=address,
            payload=part,
            origin=origin,
            status="suppressed" if suppressed else "pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
        for part in senders.split_payload(channel, payload)
    ]
    session.add_all(rows)
    session.flush()
    if not suppressed:
        _notify_after_commit(session)
    return rows[0]


def claim_due(
    session: Session,
    *,
    channels: Iterable[str],
    limit: int = 20,
    now: datetime | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> list[ClaimedMessage]:
    """Claim due messages, at most one per (channel, recipient): the oldest unsent one.

    Each claim is an UPDATE ... WHERE status and attempts are unchanged, so of several workers
    racing for a message exactly one wins. The caller commits.
    """
    channel_list = list(channels)
    if not channel_list:
        return []
    now = now or utcnow()
    older = aliased(OutboxMessage)
    older_unsent = exists().where(
        and_(
            older.channel == OutboxMessage.channel,
            older.recipient == OutboxMessage.recipient,
            older.id < OutboxMessage.id,
            older.status.in_(UNSENT),
        )
    )
    candidates = session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts)
        .where(
            OutboxMessage.channel.in_(channel_list),
            OutboxMessage.status.in_(UNSENT),
            OutboxMessage.next_attempt_at <= now,
            ~older_unsent,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    lease_until = now + timedelta(seconds=policy.lease_seconds)
    claimed: list[ClaimedMessage] = []
    for message_id, status, attempts in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == status, OutboxMessage.attempts == attempts)
            .values(status="sending", attempts=attempts + 1, next_attempt_at=lease_until)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            continue
        row = session.execute(
            select(OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.payload).where(
                OutboxMessage.id == message_id
            )
        ).one()
        claimed.append(ClaimedMessage(message_id, row.channel, row.recipient, dict(row.payload), attempts + 1))
    return claimed


def mark_sent(session: Session, *, message_id: int, provider_message_id: str, now: datetime | None = None) -> None:
    """Record a delivery accepted by the provider (the caller commits)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
        .values(
            status="sent", provider_message_id=provider_message_id or None, sent_at=now or utcnow(), last_error=None
        )
        .execution_options(synchronize_session=False)
    )


def mark_failed_attempt(
    session: Session,
    *,
    message_id: int,
    attempts: int,
    error: str,
    permanent: bool = False,
    policy: RetryPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> str:
    """Schedule a retry with back-off, or give up ("failed"); returns the new status. `error` holds no personal data."""
    now = now or utcnow()
    give_up = permanent or policy.gives_up_after(attempts)
    status = "failed" if give_up else "pending"
    values: dict[str, Any] = {"status": status, "last_error": error[:500]}
    if not give_up:
        values["next_attempt_at"] = now + timedelta(seconds=policy.delay_after(attempts))
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return status
