"""The paging job the worker runs every HAVEN_PAGING_INTERVAL_SECONDS: one round pages each due hand-off once."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.db import session_scope
from bot.models.base import utcnow
from bot.paging.pages import claim_page, due_pages, record_failures, send_emails
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def run_paging_round(now: datetime | None = None, settings: Settings | None = None) -> int:
    """Page every hand-off now due (blocking); returns how many pages this process sent.

    Each page is claimed and its SMS queued in one transaction; its emails go after that commits, so
    a slow SMTP server holds no database lock. Several workers may run rounds at once.
    """
    now, settings = now or utcnow(), settings or get_settings()
    with session_scope() as session:
        due = due_pages(session, now)
    sent = 0
    for handoff_id, level in due:
        with session_scope() as session:
            page = claim_page(session, settings, handoff_id=handoff_id, level=level, now=now)
        if page is None:
            continue
        sent += 1
        failures = send_emails(settings, page)
        if failures:
            with session_scope() as session:
                record_failures(session, page, failures)
        logger.info("paged staff for hand-off %s (%s level)", handoff_id, level)
    return sent
