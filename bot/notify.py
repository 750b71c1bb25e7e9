"""Tell verified victims, unasked and in neutral words, that their case has a new update."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from contextlib import suppress

from sqlalchemy.orm import Session

from bot.cases.notifications import mark_notified, notification_text, pending_case_notifications
from bot.db import session_scope
from bot.off_loop import run_blocking
from bot.outbox.store import enqueue

logger = logging.getLogger(__name__)
POLL_SECONDS = 30.0


def notification_key(update_id: int, channel: str, address: str) -> str:
    """The outbox idempotency key of one nudge: the same update to the same identity is queued once,
    however many workers look at once (the address is hashed: keys are not where personal data goes)."""
    identity = hashlib.sha256(f"{channel}:{address}".encode()).hexdigest()[:32]
    return f"notify:{update_id}:{identity}"


def queue_case_notifications(session: Session) -> int:
    """Queue one neutral nudge per verified identity for each new shareable update; returns how many.

    The nudge never carries case details (someone else may read the phone): the victim replies
    UPDATE and verifies as usual. Each update is marked notified in the same transaction.
    """
    pending = pending_case_notifications(session)
    for item in pending:
        enqueue(
            session,
            channel=item.channel,
            recipient=item.address,
            payload={"text": notification_text(item.channel)},
            origin="notification",
            idempotency_key=notification_key(item.update_id, item.channel, item.address),
        )
    for update_id in sorted({item.update_id for item in pending}):
        mark_notified(session, update_id=update_id)
    return len(pending)


def _queue_in_own_session() -> int:
    with session_scope() as session:
        return queue_case_notifications(session)


async def notification_loop(stop: asyncio.Event, interval: float = POLL_SECONDS) -> None:
    """Look for new updates every `interval` seconds until `stop` is set (DB work off the event loop)."""
    while not stop.is_set():
        try:
            queued = await run_blocking(_queue_in_own_session)
            if queued:
                logger.info("queued %d case-update notifications", queued)
        except Exception as error:  # keep the loop alive; the next round retries
            logger.error("case-update notification round failed: %s", type(error).__name__)
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
