"""Database look-ups of the Telegram connector: update de-duplication and button payloads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models.messaging import InboundReceipt, OutboxMessage
from connectors.telegram_render import message_buttons

PROVIDER = "telegram"


def record_update(session: Session, *, update_id: int) -> bool:
    """Record a received `update_id`; False when it was already received (a retried delivery)."""
    provider_id = str(update_id)
    seen = session.scalars(
        select(InboundReceipt.id).where(InboundReceipt.provider == PROVIDER, InboundReceipt.provider_id == provider_id)
    ).first()
    if seen is not None:
        return False
    session.add(InboundReceipt(provider=PROVIDER, provider_id=provider_id))
    try:
        session.flush()
    except IntegrityError:  # a concurrent delivery of the same update won the race
        session.rollback()
        return False
    return True


def button_payload(session: Session, *, chat_id: int, message_id: int, index: int) -> str | None:
    """The payload of button `index` on the message Haven sent to `chat_id` as `message_id`, if any."""
    recipients = [str(chat_id), f"{PROVIDER}:{chat_id}"]
    payload = session.scalars(
        select(OutboxMessage.payload).where(
            OutboxMessage.channel == PROVIDER,
            OutboxMessage.provider_message_id == str(message_id),
            OutboxMessage.recipient.in_(recipients),
        )
    ).first()
    if not isinstance(payload, dict):
        return None
    buttons = message_buttons(payload)
    if not 0 <= index < len(buttons):
        return None
    value = buttons[index].get("payload") or buttons[index].get("title")
    return str(value) if value else None
