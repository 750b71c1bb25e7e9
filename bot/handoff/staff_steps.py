"""Staff's steps on a hand-off that change what the victim sees, each one database transaction.

Taking over, replying and closing each write the hand-off row, the message's event row in the conversation
(its transcript, bot/handoff/conversation_log.py), its outbox row and the audit entry, and commit them
together: a crash at any point leaves all of them or none. The caller holds the conversation's lock.
No message goes out unprompted when the victim said it is not safe (bot/handoff/contact_later.py): a reply
is refused (queue.NotSafeToMessage), and taking over or closing is done without telling them.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import ActiveLoop, SlotSet

from bot.cases.identities import SenderAddress
from bot.console import audit
from bot.console.transcript import closing_events, closing_text
from bot.db import session_scope
from bot.handoff import queue, wording
from bot.handoff.contact_later import staff_contact
from bot.handoff.conversation_log import append_events, staff_message
from bot.models.staff import Staff
from bot.outbox.store import enqueue
from bot.wording import response_text


def staff_account(session: Any, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise queue.HandoffError("That staff account is not active.")
    return staff


def require_holder(handoff: Any, staff: Staff) -> None:
    if handoff.status == "closed":
        raise queue.HandoffError("This conversation has already been closed.")
    if handoff.claimed_by != staff.id and staff.role != "supervisor":
        raise queue.ClaimConflict("Claim this conversation before replying.")


def deliver(session: Any, *, handoff: Any, text: str) -> int:
    """Queue a staff message for the victim, on the channel they wrote from; the outbox row's id."""
    _channel, address = SenderAddress.parse(handoff.sender_id)
    row = enqueue(
        session, channel=handoff.channel, recipient=address or handoff.sender_id, payload={"text": text}, origin="staff"
    )
    return int(row.id)


def may_tell(session: Any, sender_id: str) -> bool:
    """False when the victim said it is not safe to message them and has not written since."""
    return not staff_contact(session, sender_id=sender_id).blocked


def sender_of(handoff_id: int) -> str:
    with session_scope() as session:
        return str(queue.get_handoff(session, handoff_id=handoff_id).sender_id)


def take_over_step(
    *, sender_id: str, channel: str, staff_id: int, via: str, category: str | None, form_open: bool
) -> int:
    """One transaction: open (or find) the hand-off, claim it, tell the victim (if safe), audit; the hand-off id."""
    with session_scope() as session:
        staff = staff_account(session, staff_id)
        existing = queue.active_handoff(session, sender_id=sender_id)
        handoff = existing or queue.open_handoff(
            session, sender_id=sender_id, channel=channel, reason="staff_takeover", category=category
        )
        queue.claim(session, handoff_id=handoff.id, staff=staff)
        told = existing is None and may_tell(session, sender_id)
        if existing is None:
            ended_form = [ActiveLoop(None), SlotSet("requested_slot", None)] if form_open else []
            text = response_text(wording.STAFF_JOINED, handoff.channel)
            joined = [staff_message(text, display_name=staff.display_name)] if told else []
            append_events(session, sender_id=sender_id, events=[*ended_form, *joined])
            if told:
                deliver(session, handoff=handoff, text=text)
        audit.record(
            session,
            staff_id=staff.id,
            action="take_over",
            target=sender_id,
            handoff_id=handoff.id,
            already_open=existing is not None,
            told_victim=told,
            via=via,
        )
        return int(handoff.id)


def reply_step(*, handoff_id: int, staff_id: int, text: str, via: str) -> None:
    """One transaction: the reply in the transcript, queued for the victim, audited; refused when not safe."""
    with session_scope() as session:
        staff = staff_account(session, staff_id)
        handoff = queue.get_handoff(session, handoff_id=handoff_id)
        require_holder(handoff, staff)
        if not may_tell(session, handoff.sender_id):
            raise queue.NotSafeToMessage()
        message = staff_message(text, display_name=staff.display_name)
        append_events(session, sender_id=handoff.sender_id, events=[message])
        outbox_id = deliver(session, handoff=handoff, text=text)
        audit.record(
            session,
            staff_id=staff_id,
            action="reply",
            target=handoff.sender_id,
            handoff_id=handoff_id,
            via=via,
            queued=True,
            outbox_id=outbox_id,
            length=len(text),
        )


def close_step(*, handoff_id: int, staff_id: int, outcome: str, resolution: str, via: str) -> bool:
    """One transaction: close the row (the bot answers again from the next message), tell the victim (if safe),
    audit; whether the victim was told."""
    with session_scope() as session:
        staff = staff_account(session, staff_id)
        handoff = queue.get_handoff(session, handoff_id=handoff_id)
        told = may_tell(session, handoff.sender_id)
        text = closing_text(resolution, handoff.channel) if told else None
        events = closing_events(resolution, display_name=staff.display_name, text=text)  # stamped before the close
        queue.close(session, handoff_id=handoff_id, staff=staff, outcome=outcome, resolution=resolution)
        append_events(session, sender_id=handoff.sender_id, events=events)
        outbox_id = deliver(session, handoff=handoff, text=text) if text else None
        audit.record(
            session,
            staff_id=staff.id,
            action="close",
            target=handoff.sender_id,
            handoff_id=handoff_id,
            outcome=outcome,
            resolution=resolution,
            outbox_id=outbox_id,
            told_victim=told,
            via=via,
        )
        return told
