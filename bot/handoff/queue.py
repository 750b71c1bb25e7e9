"""The hand-off queue: open, list, claim, reassign, close and annotate hand-offs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.rota import within_gateway_hours
from bot.models.base import utcnow
from bot.models.handoff import LEVEL_PRIORITY, Handoff, HandoffNote
from bot.models.staff import Staff

OPEN_STATUSES = ("waiting", "active")
OUTCOMES = (
    "advice_given",
    "referred_to_agency",
    "safeguarding_referral",
    "emergency_services_called",
    "no_further_action",
)
RESOLUTIONS = ("handback", "end")


class HandoffError(Exception):
    """A hand-off operation that can't be done; the message is safe to show to staff."""


class HandoffNotFound(HandoffError):
    """No hand-off has that id."""


class ClaimConflict(HandoffError):
    """The hand-off is already held by another worker."""


class NotSafeToMessage(ClaimConflict):
    """The victim said it is not safe to message them and has not written since (bot/handoff/contact_later.py).

    A conflict with the conversation's state, answered like a claim conflict (the API's 409), not a bad request.
    """

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "They said it is not safe to message them and have not written since, so nothing was sent. "
            "You can reply once they message again."
        )


@dataclass(frozen=True)
class QueueItem:
    """One open hand-off as the queue shows it."""

    id: int
    sender_id: str
    channel: str
    level: str
    category: str | None
    reason: str
    status: str
    waiting_seconds: int
    claimed_by: str | None
    opened_at: str  # ISO time, naive UTC
    opened_out_of_hours: bool  # a morning task: first in the queue, labelled "opened out of hours"

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def priority_for(level: str) -> int:
    """The queue priority of a risk level (lower is more urgent); unknown levels are normal."""
    return LEVEL_PRIORITY.get(level, LEVEL_PRIORITY["normal"])


def active_handoff(session: Session, *, sender_id: str) -> Handoff | None:
    """The open (waiting or active) hand-off of a conversation, if any."""
    query = select(Handoff).where(Handoff.sender_id == sender_id, Handoff.status.in_(OPEN_STATUSES))
    return session.scalars(query.order_by(Handoff.id.desc())).first()


def open_handoff(
    session: Session,
    *,
    sender_id: str,
    channel: str,
    reason: str,
    level: str = "normal",
    category: str | None = None,
    opened_for: str | None = None,
) -> Handoff:
    """Open a hand-off, or return the open one (its level, category and reason updated if `level` is more urgent).

    `opened_for` is the message id of the victim message whose turn opens it: a re-run of that same turn (its
    first run lost with a crashed Rasa server) may then finish telling the victim who helps next.
    """
    level = level if level in LEVEL_PRIORITY else "normal"
    existing = active_handoff(session, sender_id=sender_id)
    if existing is not None:
        if priority_for(level) < existing.priority:
            existing.level = level
            existing.priority = priority_for(level)
            existing.category = category or existing.category
            existing.reason = reason
        session.flush()
        return existing
    handoff = Handoff(
        sender_id=sender_id,
        channel=channel,
        reason=reason,
        level=level,
        category=category,
        priority=priority_for(level),
        status="waiting",
        created_at=utcnow(),
        opened_for=opened_for[:80] if opened_for else None,
    )
    session.add(handoff)
    session.flush()
    return handoff


def raise_for_risk(session: Session, *, sender_id: str, risk: dict[str, Any]) -> Handoff | None:
    """Raise the open hand-off's priority for an escalating risk more urgent than it; the raised hand-off, or None."""
    handoff = active_handoff(session, sender_id=sender_id)
    level = str(risk.get("level") or "high")
    if handoff is None or not risk.get("escalate") or priority_for(level) >= handoff.priority:
        return None
    category = risk.get("category")
    return open_handoff(
        session, sender_id=sender_id, channel=handoff.channel, reason="risk", level=level, category=category
    )


def get_handoff(session: Session, *, handoff_id: int) -> Handoff:
    """The hand-off with that id, or HandoffNotFound."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffNotFound("No such conversation in the queue.")
    return handoff


def list_queue(session: Session, now: datetime | None = None) -> list[QueueItem]:
    """Open hand-offs: morning tasks (opened outside gateway hours) first, then most urgent, then longest waiting."""
    now = now or utcnow()
    query = (
        select(Handoff, Staff.username)
        .outerjoin(Staff, Staff.id == Handoff.claimed_by)
        .where(Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.priority, Handoff.created_at, Handoff.id)
    )
    items = [
        QueueItem(
            id=handoff.id,
            sender_id=handoff.sender_id,
            channel=handoff.channel,
            level=handoff.level,
            category=handoff.category,
            reason=handoff.reason,
            status=handoff.status,
            waiting_seconds=max(0, int((now - handoff.created_at).total_seconds())),
            claimed_by=username,
            opened_at=handoff.created_at.isoformat(timespec="seconds"),
            opened_out_of_hours=not within_gateway_hours(handoff.created_at),
        )
        for handoff, username in session.execute(query).all()
    ]
    return sorted(items, key=lambda item: not item.opened_out_of_hours)  # stable: the query's order within each


def claim(session: Session, *, handoff_id: int, staff: Staff, now: datetime | None = None) -> Handoff:
    """Give the hand-off to `staff`; another worker's claim stands unless `staff` is a supervisor."""
    handoff = get_handoff(session, handoff_id=handoff_id)
    if handoff.status == "closed":
        raise HandoffError("This conversation has already been closed.")
    if handoff.claimed_by not in (None, staff.id) and staff.role != "supervisor":
        raise ClaimConflict("Another worker is already handling this conversation.")
    if handoff.claimed_by != staff.id:
        handoff.claimed_by = staff.id
        handoff.claimed_at = now or utcnow()
    handoff.status = "active"
    session.flush()
    return handoff


def reassign(session: Session, *, handoff_id: int, supervisor: Staff, to_staff: Staff) -> Handoff:
    """A supervisor gives an open hand-off to another (active) staff member."""
    if supervisor.role != "supervisor":
        raise HandoffError("Only a supervisor can reassign a conversation.")
    if not to_staff.active:
        raise HandoffError("That staff account is disabled.")
    handoff = get_handoff(session, handoff_id=handoff_id)
    if handoff.status == "closed":
        raise HandoffError("This conversation has already been closed.")
    handoff.claimed_by = to_staff.id
    handoff.claimed_at = utcnow()
    handoff.status = "active"
    session.flush()
    return handoff


def close(session: Session, *, handoff_id: int, staff: Staff, outcome: str, resolution: str) -> Handoff:
    """Close a hand-off held by `staff` (or any, for a supervisor) with an outcome and a resolution."""
    if outcome not in OUTCOMES:
        raise HandoffError(f"Outcome must be one of: {', '.join(OUTCOMES)}.")
    if resolution not in RESOLUTIONS:
        raise HandoffError(f"Resolution must be one of: {', '.join(RESOLUTIONS)}.")
    handoff = get_handoff(session, handoff_id=handoff_id)
    if handoff.status == "closed":
        raise HandoffError("This conversation has already been closed.")
    if handoff.claimed_by != staff.id and staff.role != "supervisor":
        raise ClaimConflict("Claim this conversation before closing it.")
    handoff.status = "closed"
    handoff.outcome = outcome
    handoff.resolution = resolution
    handoff.closed_at = utcnow()
    session.flush()
    return handoff


def add_note(session: Session, *, handoff_id: int, staff: Staff | None, body: str) -> HandoffNote:
    """Attach a private staff note to a hand-off."""
    body = body.strip()
    if not body:
        raise HandoffError("A note can't be empty.")
    get_handoff(session, handoff_id=handoff_id)
    note = HandoffNote(handoff_id=handoff_id, staff_id=staff.id if staff else None, body=body, created_at=utcnow())
    session.add(note)
    session.flush()
    return note


def list_notes(session: Session, *, handoff_id: int) -> list[tuple[HandoffNote, str | None]]:
    """A hand-off's notes, oldest first, each with its author's display name."""
    query = (
        select(HandoffNote, Staff.display_name)
        .outerjoin(Staff, Staff.id == HandoffNote.staff_id)
        .where(HandoffNote.handoff_id == handoff_id)
        .order_by(HandoffNote.created_at, HandoffNote.id)
    )
    return [(note, name) for note, name in session.execute(query).all()]
