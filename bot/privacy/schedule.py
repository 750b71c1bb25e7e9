"""The retention schedule the worker process runs: at start-up, then every HAVEN_RETENTION_INTERVAL_MINUTES.

Each pass clears stale partial verification answers (bot.privacy.stale_answers) and removes expired
conversations (bot.privacy.retention), in a thread so the worker's event loop keeps delivering. When
several workers run on PostgreSQL, one pass at a time runs (a transaction-scoped advisory lock); on
SQLite the single writer already serialises them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.privacy.retention import run_retention
from bot.privacy.stale_answers import scrub_stale_answers

logger = logging.getLogger(__name__)
STALE_ANSWER_LOOKBACK = timedelta(days=2)  # each pass reads recent messages only; the CLI reads them all
PASS_LOCK_ID = 0x48415645_4E5F5254  # "HAVEN_RT": PostgreSQL advisory lock of one retention pass


def _pass_lock_taken(session: Session) -> bool:
    """True when another worker's pass holds the lock (PostgreSQL); this one then skips its turn."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return not session.execute(select(func.pg_try_advisory_xact_lock(PASS_LOCK_ID))).scalar_one()


def run_privacy_pass() -> tuple[int, int]:
    """One pass (blocking): (partial answers cleared, events removed)."""
    with session_scope() as session:
        if _pass_lock_taken(session):
            logger.debug("retention: another worker's pass is running; skipped")
            return 0, 0
        cleared = scrub_stale_answers(session, lookback=STALE_ANSWER_LOOKBACK)
        report = run_retention(session)
    if report.removed_anything or cleared:
        logger.info(
            "retention: %s conversation(s) deleted, %s trimmed, %s event(s); %s partial answer(s) cleared",
            report.conversations_deleted, report.conversations_trimmed, report.events_deleted, cleared,
        )  # fmt: skip
    return cleared, report.events_deleted
