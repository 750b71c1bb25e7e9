"""What staff do to a conversation (view, claim, take over, reply, note, close), shared by the pages and the API.

Each step that changes what the victim sees is one database transaction: the hand-off row, the message's
event row in the conversation (its transcript), its outbox row and the audit entry commit together, while
the conversation's lock is held (bot/handoff/conversation_log.py). Nothing pauses or resumes Rasa: the
hand-off row alone decides whether the bot speaks (bot/handoff/policy.py).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.cases.identities import SenderAddress
from bot.console import audit
from bot.db import session_scope
from bot.handoff import queue, staff_steps
from bot.handoff.contact_later import staff_contact
from bot.handoff.conversation_log import conversation_lock
from bot.models.staff import Staff
from bot.off_loop import run_blocking
from bot.outbox.delivery import list_messages

logger = logging.getLogger(__name__)


def delivery_problems(session: Any, *, sender_id: str) -> list[dict[str, Any]]:
    """Messages to this victim that failed or that the provider reported undelivered (no bodies)."""
    channel, address = SenderAddress.parse(sender_id)
    problems = list_messages(session, statuses=("failed",), channel=channel, recipient=address)
    return [
        {
            "origin": row.origin,
            "status": row.delivery_status or row.status,
            "error": row.last_error,
            "at": row.created_at.isoformat(timespec="seconds"),
        }
        for row in problems
    ]


def _conversation_summary(handoff_id: int) -> dict[str, Any]:
    with session_scope() as session:
        handoff = queue.get_handoff(session, handoff_id=handoff_id)
        notes = [
            {"author": name, "body": note.body, "at": note.created_at.isoformat(timespec="seconds")}
            for note, name in queue.list_notes(session, handoff_id=handoff_id)
        ]
        holder = session.get(Staff, handoff.claimed_by) if handoff.claimed_by else None
        return {
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
            "contact_later": staff_contact(session, sender_id=handoff.sender_id).as_dict(),
            "notes": notes,
        }


async def view_conversation(
    agent: Any, *, handoff_id: int, staff_id: int | None, via: str, route: str
) -> dict[str, Any]:
    """The hand-off, its notes and transcript; the read is audited (audit.read_transcript)."""
    summary = await run_blocking(_conversation_summary, handoff_id)
    summary["transcript"] = await audit.read_transcript(
        agent, sender_id=summary["sender_id"], staff_id=staff_id, route=route, via=via, handoff_id=handoff_id
    )
    return summary


def claim(*, handoff_id: int, staff_id: int, via: str) -> None:
    """Claim (or, for a supervisor, take over) a hand-off."""
    with session_scope() as session:
        staff = staff_steps.staff_account(session, staff_id)
        handoff = queue.claim(session, handoff_id=handoff_id, staff=staff)
        audit.record(
            session, staff_id=staff.id, action="claim", target=handoff.sender_id, handoff_id=handoff_id, via=via
        )


async def take_over(
    agent: Any, *, sender_id: str, channel: str, staff_id: int, via: str, category: str | None = None
) -> int:
    """Staff step into a conversation the bot is handling; returns the hand-off id for the usual reply/close flow.

    A conversation already waiting for a person is simply claimed (a colleague's claim stands unless
    a supervisor takes over). Otherwise a hand-off with reason "staff_takeover" is opened already claimed,
    a form in progress ends, and the victim is told a person joined, all in one transaction.
    """
    async with conversation_lock(agent, sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        handoff_id = await run_blocking(
            staff_steps.take_over_step,
            sender_id=sender_id,
            channel=channel,
            staff_id=staff_id,
            via=via,
            category=category,
            form_open=bool(tracker and tracker.active_loop_name),
        )
    logger.info("hand-off %s taken over by staff", handoff_id)
    return handoff_id


def reassign(*, handoff_id: int, staff_id: int, to_username: str, via: str) -> None:
    """A supervisor gives a hand-off to another staff member."""
    from bot.console.staff_store import find_staff

    with session_scope() as session:
        supervisor = staff_steps.staff_account(session, staff_id)
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
    """Send a staff message: recorded in the transcript and queued for the victim's channel, in one transaction.

    Refused with queue.NotSafeToMessage when they said it is not safe to message them and have not written since.
    """
    text = text.strip()
    if not text:
        raise queue.HandoffError("A reply can't be empty.")
    sender_id = await run_blocking(staff_steps.sender_of, handoff_id)
    async with conversation_lock(agent, sender_id):
        await run_blocking(staff_steps.reply_step, handoff_id=handoff_id, staff_id=staff_id, text=text, via=via)


def add_note(*, handoff_id: int, staff_id: int, body: str, via: str) -> None:
    """Add a private note."""
    with session_scope() as session:
        staff = staff_steps.staff_account(session, staff_id)
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


async def close(agent: Any, *, handoff_id: int, staff_id: int, outcome: str, resolution: str, via: str) -> bool:
    """Close with an outcome and hand the conversation back to the bot or end it: one step, crash-safe.

    Whether the victim was told (not when they said it is not safe to message them and have not written since).
    """
    sender_id = await run_blocking(staff_steps.sender_of, handoff_id)
    async with conversation_lock(agent, sender_id):
        return await run_blocking(
            staff_steps.close_step,
            handoff_id=handoff_id,
            staff_id=staff_id,
            outcome=outcome,
            resolution=resolution,
            via=via,
        )
