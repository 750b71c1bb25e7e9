"""The audit log of what staff see and do in the console and through its API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models.base import utcnow
from bot.models.staff import AuditEntry


def record(
    session: Session, *, staff_id: int | None, action: str, target: str | None = None, **detail: Any
) -> AuditEntry:
    """Append one audit entry (detail must not hold message text)."""
    entry = AuditEntry(at=utcnow(), staff_id=staff_id, action=action, target=target, detail=detail)
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, *, action: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The most recent audit entries, newest first, optionally of one action."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))
