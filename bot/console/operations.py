"""What staff do to a conversation (view, claim, take over, reply, note, close), shared by the pages and the API.

Each step commits its own database work before touching the tracker store, so an SQLite
write lock is never held while Rasa's tracker store writes to the same file.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.cases.identities import split_sender
from bot.console import audit
from bot.console.transcript import (
    append_events,
    closing_events,
    closing_text,
    pausing_events,
    staff_message,
)
from bot.db import session_scope
from bot.handoff import queue, wording
from bot.models.staff import Staff
from bot.outbox.delivery import list_messages
from bot.outbox.store import enqueue

logger = logging.getLogger(__name__)


def _staff(session: Any, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise queue.HandoffError("That staff account is not active.")
    return staff


def _require_holder(handoff: Any, staff: Staff) -> None:
    if handoff.status == "closed":
        raise queue.HandoffError("This conversation has already been closed.")
    if handoff.claimed_by != staff.id and staff.role != "supervisor":
        raise queue.ClaimConflict("Claim this conversation before replying.")


def _deliver(session: Any, *, handoff: Any, text: str) -> None:
    """Queue a staff message for the victim, on the channel they wrote from."""
    _channel, address = split_sender(handoff.sender_id)
    enqueue(
        session, channel=handoff.channel, recipient=address or handoff.sender_id, payload={"text": text}, origin="staff"
    )


def delivery_problems(session: Any, *, sender_id: str) -> list[dict[str, Any]]:
    """Messages to this victim that failed or that the provider reported undelivered (no bodies)."""
    channel, address = split_sender(sender_id)
    problems = list_messages(session, statuses=("failed",), channel=channel, recipient=address)
    return [
        {"origin": row.origin, "status": row.delivery_status or row.status, "error": row.last_error,
         "at": row.created_at.isoformat(timespec="seconds")}
        for row in problems
    ]


async def view_conversation(
    agent: Any, *, handoff_id: int, staff_id: int | None, via: str, route: str
) -> dict[str, Any]:
    """The hand-off, its notes and transcript; the read is audited (audit.read_transcript)."""
    with session_scope() as session:
        handoff = queue.get_handoff(session, handoff_id=handoff_id)
        notes = [
            {"author": name, "body": note.body, "at": note.created_at.isoformat(timespec="seconds")}
            for note, name in queue.list_notes(session, handoff_id=handoff_id)
        ]
        holder = session.get(Staff, handoff.claimed_by) if handoff.claimed_by else None
        summary = {
            "id": handoff.id,
            "sender_id": handoff.sender_id,
            "channel": handoff.channel,
            "level": handoff.level,
            "category": handoff.category,
            "reason": handoff.reason,
            "status": handoff.status,
            "claimed_by": holder.username if holder else None,
            "claimed_by_id": handoff.claimed_by,
            "claimed_by_name": holder.display_name if holder else None,
            "created_at": handoff.created_at.isoformat(timespec="seconds"),
            "outcome": handoff.outcome,
            "resolution": handoff.resolution,
            "delivery_problems": delivery_problems(session, sender_id=handoff.sender_id),
        }
    summary["notes"] = notes
    summary["transcript"] = await audit.read_transcript(
        agent, sender_id=summary["sender_id"], staff_id=staff_id, route=route, via=via, handoff_id=handoff_id
    )
    return summary


def claim(*, handoff_id: int, staff_id: int, via: str) -> None:
    """Claim (or, for a supervisor, take over) a hand-off."""
    with session_scope() as session:
        staff = _staff(session, staff_id)
        handoff = queue.claim(session, handoff_id=handoff_id, staff=staff)
        audit.record(
            session, staff_id=staff.id, action="claim", target=handoff.sender_id, handoff_id=handoff_id, via=via
        )


async def take_over(
    agent: Any, *, sender_id: str, channel: str, staff_id: int, via: str, category: str | None = None
) -> int:
    """Staff step into a conversation the bot is handling; returns the hand-off id for the usual reply/close flow.

    A conversation already waiting for a person is simply claimed (a colleague's claim stands unless
    a supervisor takes over). Otherwise a hand-off with reason "staff_takeover" is opened already
    claimed, the conversation is paused as an escalation pauses it, and the victim is told a person joined.
    """
    with session_scope() as session:
        staff = _staff(session, staff_id)
        existing = queue.active_handoff(session, sender_id=sender_id)
        handoff = existing or queue.open_handoff(
            session, sender_id=sender_id, channel=channel, reason="staff_takeover", category=category
        )
        queue.claim(session, handoff_id=handoff.id, staff=staff)
        handoff_id, display_name = handoff.id, staff.display_name
        audit.record(
            session,
            staff_id=staff.id,
            action="take_over",
            target=sender_id,
            handoff_id=handoff_id,
            already_open=existing is not None,
            via=via,
        )
    if existing is not None:
        return handoff_id
    tracker = await agent.tracker_store.retrieve(sender_id)
    joined = staff_message(wording.STAFF_JOINED_MESSAGE, display_name=display_name)
    await append_events(agent, sender_id=sender_id, events=[*pausing_events(tracker), joined])
    with session_scope() as session:
        _deliver(session, handoff=queue.get_handoff(session, handoff_id=handoff_id), text=wording.STAFF_JOINED_MESSAGE)
    logger.info("hand-off %s opened by staff take-over", handoff_id)
    return handoff_id


def reassign(*, handoff_id: int, staff_id: int, to_username: str, via: str) -> None:
    """A supervisor gives a hand-off to another staff member."""
    from bot.console.staff_store import find_staff

    with session_scope() as session:
        supervisor = _staff(session, staff_id)
        target = find_staff(session, username=to_username)
        if target is None:
            raise queue.HandoffError("No staff account with that username.")
        handoff = queue.reassign(session, handoff_id=handoff_id, supervisor=supervisor, to_staff=target)
        audit.record(
            session,
            staff_id=supervisor.id,
            action="reassign",
            target=handoff.sender_id,
            handoff_id=handoff_id,
            to=target.username,
            via=via,
        )


async def reply(agent: Any, *, handoff_id: int, staff_id: int, text: str, via: str) -> None:
    """Send a staff message: into the transcript (as a bot utterance) and out on the victim's channel."""
    text = text.strip()
    if not text:
        raise queue.HandoffError("A reply can't be empty.")
    with session_scope() as session:
        staff = _staff(session, staff_id)
        handoff = queue.get_handoff(session, handoff_id=handoff_id)
        _require_holder(handoff, staff)
        sender_id, display_name = handoff.sender_id, staff.display_name
    await append_events(agent, sender_id=sender_id, events=[staff_message(text, display_name=display_name)])
    with session_scope() as session:
        handoff = queue.get_handoff(session, handoff_id=handoff_id)
        _deliver(session, handoff=handoff, text=text)
        audit.record(
            session,
            staff_id=staff_id,
            action="reply",
            target=sender_id,
            handoff_id=handoff_id,
            via=via,
            queued=True,
            length=len(text),
        )


def add_note(*, handoff_id: int, staff_id: int, body: str, via: str) -> None:
    """Add a private note."""
    with session_scope() as session:
        staff = _staff(session, staff_id)
        note = queue.add_note(session, handoff_id=handoff_id, staff=staff, body=body)
        audit.record(
            session,
            staff_id=staff.id,
            action="add_note",
            target=str(handoff_id),
            handoff_id=handoff_id,
            note_id=note.id,
            via=via,
        )


async def close(agent: Any, *, handoff_id: int, staff_id: int, outcome: str, resolution: str, via: str) -> None:
    """Close with an outcome, then hand the conversation back to the bot or end it."""
    with session_scope() as session:
        staff = _staff(session, staff_id)
        handoff = queue.close(session, handoff_id=handoff_id, staff=staff, outcome=outcome, resolution=resolution)
        sender_id, display_name = handoff.sender_id, staff.display_name
        audit.record(
            session,
            staff_id=staff.id,
            action="close",
            target=sender_id,
            handoff_id=handoff_id,
            outcome=outcome,
            resolution=resolution,
            via=via,
        )
    await append_events(agent, sender_id=sender_id, events=closing_events(resolution, display_name=display_name))
    with session_scope() as session:
        handoff = queue.get_handoff(session, handoff_id=handoff_id)
        _deliver(session, handoff=handoff, text=closing_text(resolution))
