"""Permitted times for retries: a rule per message origin may move a failed message's next attempt later.

The outbox knows nothing of victims or their contact preferences. A feature that sends unprompted messages
(bot/contact/retry_times.py for origin "notification") registers a rule at start-up; a retry of a message with
that origin then waits for the later of its back-off and the rule's next permitted time. Origins without a
rule (replies, one-time codes, staff replies, pages to staff) are retried on back-off alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import OutboxMessage

logger = logging.getLogger(__name__)

HoldRule = Callable[[Session, str, str, datetime], datetime | None]
"""(session, channel, recipient, proposed naive-UTC time) -> the first permitted moment at or after it, or None
when no permitted time comes (the message is then given up as failed, so its sender's fallback takes over)."""

NO_PERMITTED_TIME = "no permitted time for a retry"
_RULES: dict[str, HoldRule] = {}


def register_hold(origin: str, rule: HoldRule) -> None:
    """Install (or replace) the rule for retries of messages with `origin`; idempotent."""
    _RULES[origin] = rule


def unregister_hold(origin: str) -> None:
    """Remove the rule for `origin` (its retries then follow back-off alone)."""
    _RULES.pop(origin, None)


def held_origins() -> list[str]:
    """Origins whose retries wait for a permitted time in this process."""
    return sorted(_RULES)


def hold_retry(session: Session, message_id: int) -> str | None:
    """Move a retry just scheduled for `message_id` to its origin's next permitted time (the caller commits).

    Returns "pending" when the retry stands (moved or not), "failed" when no permitted time comes, and None
    when the row is not a pending retry (nothing to do)."""
    row = session.execute(
        select(OutboxMessage.origin, OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.next_attempt_at)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
    ).first()
    if row is None:
        return None
    rule = _RULES.get(row.origin)
    if rule is None:
        return "pending"
    permitted = rule(session, row.channel, row.recipient, row.next_attempt_at)
    values: dict[str, object]
    if permitted is None:
        values = {"status": "failed", "last_error": NO_PERMITTED_TIME}
    elif permitted > row.next_attempt_at:
        values = {"next_attempt_at": permitted}
    else:
        return "pending"
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if permitted is None:
        return "failed"
    logger.info("outbox message %s retry held until %s UTC (%s)", message_id, f"{permitted:%d %b %H:%M}", row.origin)
    return "pending"
