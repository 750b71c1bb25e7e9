"""Apply one validated case event exactly once: refuse, replay the first answer, or change the case and nudge.

The HTTP API, the CSV import and `python -m bot case add-update` all come through `apply_event`, inside the
caller's transaction, so an event is stored whole or not at all. A new shareable timeline entry is announced
by `queue_new_nudges` (a neutral nudge, only to verified, consenting victims who have not opted out
and said it is safe to message them later) in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.feed import problems
from bot.feed.case_changes import change_case
from bot.feed.models import CaseEvent
from bot.feed.schema import SECRET_FIELDS, AnyCaseEvent, EventAccepted
from bot.models.base import utcnow
from bot.notify import queue_new_nudges

ACCEPTED = 201


@dataclass(frozen=True)
class Applied:
    """The answer to an event: `replayed` when it was already stored (nothing changed this time)."""

    status: int
    answer: dict[str, Any]
    replayed: bool
    notifications_queued: int = 0


def details_of(event: AnyCaseEvent) -> dict[str, Any]:
    """The event as stored: JSON types, without the victim's verification secrets."""
    return json.loads(event.json(exclude=set(SECRET_FIELDS) & set(event.__fields__)))


def digest_of(event: AnyCaseEvent) -> str:
    """A SHA-256 of the validated event as stored (without the victim's secrets, which an unsalted digest
    would let anyone holding the database guess), to tell a true repeat from a reused id."""
    return hashlib.sha256(json.dumps(details_of(event), sort_keys=True).encode()).hexdigest()


def stored_event(session: Session, *, source: str, event_id: str) -> CaseEvent | None:
    return session.scalar(select(CaseEvent).where(CaseEvent.source == source, CaseEvent.event_id == event_id))


def apply_event(session: Session, event: AnyCaseEvent, *, source: str) -> Applied:
    """Apply `event` from `source` (an integration's name, "cli" or "csv") in `session`; raises Refusal.

    A repeat of a stored event (same source, id and content) gets the first answer and changes nothing;
    the same id with different content is refused (409, `event_id`).
    """
    digest = digest_of(event)
    earlier = stored_event(session, source=source, event_id=event.event_id)
    if earlier is not None:
        if earlier.body_digest != digest:
            raise problems.event_id_reused(event.event_id)
        return Applied(status=ACCEPTED, answer=dict(earlier.answer), replayed=True)
    case, entry = change_case(session, event)
    received_at = utcnow()
    answer = EventAccepted(
        event_id=event.event_id, kind=event.kind, reference=case.reference, received_at=received_at.isoformat() + "Z"
    ).dict()
    session.add(
        CaseEvent(
            source=source, event_id=event.event_id, kind=event.kind, case_id=case.id,
            case_update_id=entry.id if entry is not None else None, occurred_at=event.occurred_at,
            received_at=received_at, body_digest=digest, details=details_of(event), answer=answer,
        )
    )
    session.flush()
    queued = queue_new_nudges(session)  # following up failed nudges is the worker's round, not each event's
    return Applied(status=ACCEPTED, answer=answer, replayed=False, notifications_queued=queued)


def apply_in_own_transaction(event: AnyCaseEvent, *, source: str) -> Applied:
    """`apply_event` in a transaction of its own; blocking (database, and argon2 for a new victim's answers).

    Two deliveries at the same moment (one event twice, or two new cases with one reference): the second
    to commit hits a unique key and is tried once more in a fresh transaction, where it is a repeat or a refusal.
    """
    try:
        with session_scope() as session:
            return apply_event(session, event, source=source)
    except IntegrityError:
        with session_scope() as session:
            return apply_event(session, event, source=source)
