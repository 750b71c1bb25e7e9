"""Provider delivery receipts on outbox rows, and the staff-facing view of undelivered messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.models import OutboxMessage
from bot.models.base import utcnow

# Later stages win; callbacks can arrive out of order ("sent" after "delivered").
_STAGE = {
    "accepted": 0,
    "queued": 0,
    "scheduled": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "read": 4,
}
PROBLEM_DELIVERY = ("undelivered", "failed")


@dataclass(frozen=True)
class OutboxSummary:
    """An outbox row without its body, for staff tools."""

    id: int
    channel: str
    recipient_hint: str
    origin: str
    status: str
    attempts: int
    delivery_status: str | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime


def record_delivery_status(
    session: Session, *, provider_message_id: str, status: str, error_code: str | None = None
) -> bool:
    """Store a provider status callback on the matching row; False when no row has that id."""
    status = (status or "").strip().lower()[:30]
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.provider_message_id == provider_message_id)).first()
    if row is None or not status:
        return False
    current = _STAGE.get(row.delivery_status or "", -1)
    if _STAGE.get(status, 2) >= current:
        row.delivery_status = status
        if status in PROBLEM_DELIVERY:
            row.last_error = f"provider reported {status}" + (f" (error {error_code})" if error_code else "")
    session.flush()
    return True


def _hint(recipient: str) -> str:
    """Enough of the address to tell rows apart, not enough to identify anyone."""
    return f"…{recipient[-3:]}" if len(recipient) > 3 else "…"


def list_messages(
    session: Session,
    *,
    statuses: tuple[str, ...],
    limit: int = 100,
    channel: str | None = None,
    recipient: str | None = None,
) -> list[OutboxSummary]:
    """Rows in `statuses`, plus sent rows the provider reported undelivered/failed, oldest first.

    With `channel` and `recipient`, only that person's messages (the console shows them per conversation).
    """
    query = select(OutboxMessage).where(
        or_(OutboxMessage.status.in_(statuses), OutboxMessage.delivery_status.in_(PROBLEM_DELIVERY))
    )
    if channel is not None and recipient is not None:
        query = query.where(OutboxMessage.channel == channel, OutboxMessage.recipient == recipient)
    rows = session.scalars(query.order_by(OutboxMessage.id).limit(limit)).all()
    return [
        OutboxSummary(
            row.id,
            row.channel,
            _hint(row.recipient),
            row.origin,
            row.status,
            row.attempts,
            row.delivery_status,
            row.last_error,
            row.created_at,
            row.next_attempt_at,
        )
        for row in rows
    ]


def retry_failed(session: Session, *, message_id: int) -> bool:
    """Put a failed message back in the queue (a fresh set of attempts); False if it was not failed."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
