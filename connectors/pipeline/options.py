"""What the victim was last offered, read from one record (the outbox), so "2" or a button press maps to it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import OutboxMessage
from bot.models.inbox import InboxMessage

_NUMBER = re.compile(r"^\s*(\d{1,2})[.)]?\s*$")
OFFERED_KEY = "offered"  # the buttons of a message split into parts, kept on its last part


def offered_buttons(payload: Any) -> list[dict[str, Any]]:
    """The options a stored bot message offered (buttons, quick replies, or those of a split message)."""
    if not isinstance(payload, dict):
        return []
    buttons = payload.get("buttons") or payload.get("quick_replies") or payload.get(OFFERED_KEY) or []
    return [button for button in buttons if isinstance(button, dict) and button.get("title")]


def choice_value(buttons: list[dict[str, Any]], index: int) -> str | None:
    """The payload (or title) of option `index` (0-based), or None when there is no such option."""
    if not 0 <= index < len(buttons):
        return None
    value = buttons[index].get("payload") or buttons[index].get("title")
    return str(value) if value else None


def _previous_message_time(session: Session, *, channel: str, address: str, before_id: int) -> datetime | None:
    return session.scalar(
        select(InboxMessage.received_at)
        .where(InboxMessage.channel == channel, InboxMessage.address == address, InboxMessage.id < before_id)
        .order_by(InboxMessage.id.desc())
        .limit(1)
    )


def numbered_choice(session: Session, *, channel: str, address: str, inbox_id: int, text: str) -> str | None:
    """The payload behind a numeric reply ("2") to the newest options offered since the victim last wrote."""
    match = _NUMBER.match(text or "")
    if not match:
        return None
    query = select(OutboxMessage.payload).where(OutboxMessage.channel == channel, OutboxMessage.recipient == address)
    since = _previous_message_time(session, channel=channel, address=address, before_id=inbox_id)
    if since is not None:
        query = query.where(OutboxMessage.created_at >= since)
    for payload in session.scalars(query.order_by(OutboxMessage.id.desc()).limit(20)):
        buttons = offered_buttons(payload)
        if buttons:
            return choice_value(buttons, int(match.group(1)) - 1)
    return None


def pressed_button(session: Session, *, channel: str, address: str, provider_message_id: str, index: int) -> str | None:
    """The payload of button `index` on the message delivered to `address` as `provider_message_id`."""
    payload = session.scalars(
        select(OutboxMessage.payload).where(
            OutboxMessage.channel == channel,
            OutboxMessage.provider_message_id == provider_message_id,
            OutboxMessage.recipient == address,
        )
    ).first()
    return choice_value(offered_buttons(payload), index)
