"""Remove partial verification answers nobody came back to complete from the stored conversation events.

The tracker store removes a partial answer as soon as the victim's next message is saved; a victim who
never writes again would leave it (encrypted) in the row, so the scheduled job clears any older than
PENDING_MAX_AGE.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.handoff.escalation_events import EVENTS
from bot.models.base import utcnow
from bot.privacy.encryption import decrypt_event, encrypt_event
from bot.privacy.keys import DataKeys, data_keys
from bot.privacy.redaction import PENDING_KEY
from bot.privacy.retention import has_events_table
from bot.privacy.secret_answers import without_pending

PENDING_MAX_AGE = timedelta(minutes=30)


def scrub_stale_answers(
    session: Session, *, now: datetime | None = None, lookback: timedelta | None = None, keys: DataKeys | None = None
) -> int:
    """Clear partial answers older than PENDING_MAX_AGE (only among messages of the last `lookback`, if given).

    Each row is rewritten only if nobody changed it meanwhile; returns how many were cleared.
    """
    if not has_events_table(session):
        return 0
    keys = keys or data_keys()
    until = (now or utcnow()).replace(tzinfo=timezone.utc) - PENDING_MAX_AGE
    conditions = [EVENTS.c.type_name == "user", EVENTS.c.timestamp < until.timestamp()]
    if lookback is not None:
        conditions.append(EVENTS.c.timestamp >= (until - lookback).timestamp())
    cleared = 0
    for event_id, stored in session.execute(select(EVENTS.c.id, EVENTS.c.data).where(*conditions)).all():
        event = decrypt_event(stored, keys)
        if PENDING_KEY not in (event.get("metadata") or {}):
            continue
        rewrite = update(EVENTS).where(EVENTS.c.id == event_id, EVENTS.c.data == stored)
        cleared += session.execute(rewrite.values(data=encrypt_event(without_pending(event), keys))).rowcount or 0
    return cleared
