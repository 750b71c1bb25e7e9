"""The audit log of what staff see and do in the console and through its API."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.console.transcript import load_transcript
from bot.models.base import utcnow
from bot.models.staff import AuditEntry
from bot.off_loop import in_session

READ_TRANSCRIPT = "read_transcript"
READ_WINDOW = timedelta(minutes=5)  # repeated reads (polling) within this are counted on one entry

# The API token a request acts with, set by the API guard for the request's task: recorded on every entry.
acting_token: ContextVar[int | None] = ContextVar("acting_token", default=None)


def record(
    session: Session, *, staff_id: int | None, action: str, target: str | None = None, **detail: Any
) -> AuditEntry:
    """Append one audit entry (detail must not hold message text)."""
    token_id = acting_token.get()
    if token_id is not None:
        detail.setdefault("token_id", token_id)
    entry = AuditEntry(at=utcnow(), staff_id=staff_id, action=action, target=target, detail=detail)
    session.add(entry)
    session.flush()
    return entry


def record_read(session: Session, *, staff_id: int | None, target: str, route: str, **detail: Any) -> AuditEntry:
    """Audit one read of a conversation's transcript.

    A read by the same person, of the same conversation, through the same route (and token) within
    READ_WINDOW of an entry's first read adds to that entry's `repeats` and `last_at` instead of
    appending another: a page polling every two seconds makes one entry per five minutes, not 150.
    """
    now = utcnow()
    wanted = {"route": route, "token_id": acting_token.get()}
    recent = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == READ_TRANSCRIPT,
            AuditEntry.staff_id.is_(None) if staff_id is None else AuditEntry.staff_id == staff_id,
            AuditEntry.target == target,
            AuditEntry.at >= now - READ_WINDOW,
        )
        .order_by(AuditEntry.id.desc())
        .limit(20)
    ).all()
    for entry in recent:
        if {key: (entry.detail or {}).get(key) for key in wanted} == wanted:
            session.execute(
                update(AuditEntry)
                .where(AuditEntry.id == entry.id)
                .values(repeats=AuditEntry.repeats + 1, last_at=now)
                .execution_options(synchronize_session=False)
            )
            session.expire(entry)
            return entry
    return record(session, staff_id=staff_id, action=READ_TRANSCRIPT, target=target, route=route, **detail)


async def read_transcript(
    agent: Any, *, sender_id: str, staff_id: int | None, route: str, via: str, **detail: Any
) -> list[dict[str, Any]]:
    """The one way console routes and the API read a transcript: the read is audited first.

    The entry is committed before the tracker store is read, so a read that cannot be audited does not
    happen. `route` names the page or endpoint (conversation_page, transcript_feed, live_page, live_feed,
    api_conversation); polling reads are counted on one entry (record_read).
    """
    await in_session(record_read, staff_id=staff_id, target=sender_id, route=route, via=via, **detail)
    return await load_transcript(agent, sender_id=sender_id)


def entries(session: Session, *, action: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The most recent audit entries, newest first, optionally of one action."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))
