"""Record one victim message in the conversation's live summary (an upsert on SQLite and PostgreSQL)."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.live.window import add_mark, read_verdict, summarise
from bot.models.base import utcnow
from bot.models.live import LiveConversation


def naive_utc(moment: datetime) -> datetime:
    """`moment` as naive UTC, the way Haven stores times (naive input is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _insert_if_missing(session: Session, *, sender_id: str, channel: str, at: datetime) -> None:
    """Create an empty row for the sender unless one exists (a concurrent insert is not an error)."""
    values = {
        "sender_id": sender_id,
        "ref": secrets.token_urlsafe(12),
        "channel": channel,
        "last_message_at": at,
        "max_risk_score": 0.0,
        "last_risk_band": "none",
        "watch": False,
        "message_count": 0,
        "risk_marks": [],
        "updated_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(LiveConversation).values(**values)
        session.execute(statement.on_conflict_do_nothing(index_elements=["sender_id"]))
        return
    if session.get(LiveConversation, sender_id) is None:  # other databases: insert, tolerate a race
        try:
            with session.begin_nested():
                session.execute(insert(LiveConversation).values(**values))
        except IntegrityError:
            pass


def record_turn(
    session: Session, *, sender_id: str, channel: str, risk: dict[str, Any] | None, at: datetime
) -> LiveConversation:
    """Count a victim message at `at` and fold its risk verdict into the last 24 hours (the caller commits).

    The row is locked while it is updated (PostgreSQL), so concurrent turns of one sender never lose a count.
    """
    at = naive_utc(at)
    _insert_if_missing(session, sender_id=sender_id, channel=channel, at=at)
    query = select(LiveConversation).where(LiveConversation.sender_id == sender_id).with_for_update()
    row = session.execute(query.execution_options(populate_existing=True)).scalars().one()
    newest = row.message_count == 0 or at >= row.last_message_at
    now = at if newest else row.last_message_at
    verdict = read_verdict(risk)
    row.risk_marks = add_mark(list(row.risk_marks or []), verdict, at, now)
    summary = summarise(row.risk_marks, now)
    row.max_risk_score = summary.max_score
    row.max_risk_category = summary.category
    row.watch = summary.watch
    if newest:
        row.last_message_at = at
        row.last_risk_band = verdict.band
        row.channel = channel or row.channel
    row.message_count += 1
    row.updated_at = utcnow()
    session.flush()
    return row
