"""Tell verified victims, unasked and in neutral words, that their case has a new update."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.cases.notifications import mark_notified, pending_case_notifications
from bot.contact.fallback import follow_up_nudges
from bot.contact.nudges import QUEUED, notification_key, start
from bot.db import session_scope
from bot.models.base import utcnow

__all__ = ["notification_key", "queue_case_notifications", "queue_new_nudges", "run_notification_round"]
logger = logging.getLogger(__name__)


def queue_new_nudges(session: Session, *, now: datetime | None = None) -> int:
    """Queue one neutral nudge per victim for each new shareable update; returns how many were queued (some
    wait in the outbox for a time the victim allows). Each update is marked notified in the same transaction.

    The nudge never carries case details (someone else may read the phone): the victim replies UPDATE and
    verifies as usual. It goes on one channel at a time, as their safe-contact preferences allow
    (bot/contact/nudges.py).
    """
    now = now or utcnow()
    pending = pending_case_notifications(session)
    victims = dict.fromkeys((item.update_id, item.case_id, item.victim_id) for item in pending)
    queued = sum(
        start(session, update_id=update_id, case_id=case_id, victim_id=victim_id, now=now) == QUEUED
        for update_id, case_id, victim_id in victims
    )
    for update_id in sorted({item.update_id for item in pending}):
        mark_notified(session, update_id=update_id)
    return queued


def queue_case_notifications(session: Session, *, now: datetime | None = None) -> int:
    """A notification round: `queue_new_nudges`, then follow up failed nudges (the next channel, then staff:
    bot/contact/fallback.py); returns how many new nudges were queued."""
    now = now or utcnow()
    queued = queue_new_nudges(session, now=now)
    follow_up_nudges(session, now=now)
    return queued


def run_notification_round() -> int:
    """One round in its own transaction (the worker's periodic job); says how many nudges it queued."""
    with session_scope() as session:
        queued = queue_case_notifications(session)
    if queued:
        logger.info("queued %d case-update notifications", queued)
    return queued
