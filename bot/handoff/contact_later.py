"""Whether and when it is safe to message a victim later: read their answer, keep it on the hand-off, check it.

When nobody is on duty, the hand-off message asks "Is it safe for us to message you here later?"
(bot/handoff/wording.py). The conversation is paused, so no Rasa action can read the reply: Haven's
tracker store calls `react_to_contact_answer` when it saves such a turn (as it does for a new risk,
bot/handoff/paused_risk.py). The answer is kept as a system note on the hand-off, where staff see it
before they reply, and `may_message_later` is checked before any unprompted message (update nudges).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cases.identities import split_sender
from bot.db import session_scope
from bot.handoff import wording
from bot.models.base import utcnow
from bot.models.handoff import Handoff, HandoffNote
from bot.outbox.store import enqueue

logger = logging.getLogger(__name__)
NOTE_PREFIX = "Contact later:"  # the system note that records the answer (staff_id is empty)
NOT_SAFE = ("no", "time")  # answers after which nothing unprompted is sent; "time" waits for a person to judge
_YES = re.compile(r"^\W*(yes|yeah|yep|ya|y|ok|okay|it'?s safe|safe|fine|any ?time)\b", re.IGNORECASE)
_NO = re.compile(r"^\W*(no|nope|nah|n|not safe|don'?t|do not|never)\b", re.IGNORECASE)
_TIME = re.compile(
    r"\b(\d{1,2}(:\d\d)?\s*(am|pm)|\d{1,2}:\d\d|morning|afternoon|evening|night|tonight|tomorrow|weekend|"
    r"weekdays?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|after|before|between|until|when)\b",
    re.IGNORECASE,
)
REPLIES = {"yes": wording.CONTACT_LATER_YES, "no": wording.CONTACT_LATER_NO, "time": wording.CONTACT_LATER_TIME}
LABELS = {"yes": "yes, any time", "no": "NO - do not message them", "time": "only at the time they gave"}


@dataclass(frozen=True)
class ContactAnswer:
    """What the victim said: "yes", "no" or "time" (a safe time in their own words)."""

    choice: str
    words: str


def read_answer(text: str | None, intent: str | None = None) -> ContactAnswer | None:
    """The answer in a reply to the question, or None when the reply is not one (staff will read it)."""
    words = " ".join((text or "").split())[:200]
    if not words:
        return None
    if intent == "deny" or _NO.match(words):
        return ContactAnswer("no", words)
    if _TIME.search(words):
        return ContactAnswer("time", words)
    if intent == "affirm" or _YES.match(words):
        return ContactAnswer("yes", words)
    return None


def _latest_handoff(session: Session, sender_id: str) -> Handoff | None:
    return session.scalars(select(Handoff).where(Handoff.sender_id == sender_id).order_by(Handoff.id.desc())).first()


def record_answer(session: Session, *, sender_id: str, answer: ContactAnswer, now: datetime | None = None) -> bool:
    """Keep the answer as a system note on the conversation's latest hand-off; False if it has none."""
    handoff = _latest_handoff(session, sender_id)
    if handoff is None:
        return False
    body = f'{NOTE_PREFIX} {LABELS[answer.choice]}. Their words: "{answer.words}"'
    session.add(HandoffNote(handoff_id=handoff.id, staff_id=None, body=body, created_at=now or utcnow()))
    session.flush()
    return True


def latest_answer(session: Session, *, sender_id: str) -> str | None:
    """The newest recorded answer for this conversation ("yes", "no", "time"), or None if never given."""
    note = session.scalars(
        select(HandoffNote)
        .join(Handoff, Handoff.id == HandoffNote.handoff_id)
        .where(Handoff.sender_id == sender_id, HandoffNote.staff_id.is_(None), HandoffNote.body.like(f"{NOTE_PREFIX}%"))
        .order_by(HandoffNote.created_at.desc(), HandoffNote.id.desc())
    ).first()
    if note is None:
        return None
    label = note.body[len(NOTE_PREFIX) :].strip()
    return next((choice for choice, text in LABELS.items() if label.startswith(text)), None)


def may_message_later(session: Session, *, sender_id: str) -> bool:
    """False when the victim said it is not safe to message them later (or only at a time a person must judge)."""
    return latest_answer(session, sender_id=sender_id) not in NOT_SAFE


def pending_answer(tracker: DialogueStateTracker) -> ContactAnswer | None:
    """The answer in the newest message of a paused conversation, if it replies to the question and is new."""
    if not tracker.is_paused():
        return None
    events = list(tracker.events)
    user_index = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), None)
    if user_index is None or any(isinstance(e, (ActionExecuted, BotUttered)) for e in events[user_index + 1 :]):
        return None
    message: UserUttered = events[user_index]
    parse = message.parse_data or {}
    risk = parse.get("risk") or {}
    if risk.get("escalate") or risk.get("band") == "uncertain":
        return None  # a new risk is answered by bot/handoff/paused_risk.py, never read as this answer
    asked = next((e.text or "" for e in reversed(events[:user_index]) if isinstance(e, BotUttered)), "")
    answer = read_answer(message.text, (parse.get("intent") or {}).get("name"))
    if answer is None:
        return None
    if wording.CONTACT_LATER_QUESTION in asked:
        return answer
    if asked in (wording.CONTACT_LATER_YES, wording.CONTACT_LATER_TIME) and answer.choice == "no":
        return answer  # "If it stops being safe, reply NO"
    return None


def _store_and_queue(sender_id: str, answer: ContactAnswer) -> str | None:
    reply = REPLIES[answer.choice]
    with session_scope() as session:
        if not record_answer(session, sender_id=sender_id, answer=answer):
            return None
        channel, address = split_sender(sender_id)
        enqueue(session, channel=channel or "unknown", recipient=address, payload={"text": reply})
    logger.info("contact-later answer recorded: %s", answer.choice)
    return reply


async def react_to_contact_answer(tracker: DialogueStateTracker) -> None:
    """Record an answer to the contact-later question and confirm it; the turn is saved whatever happens."""
    answer = pending_answer(tracker)
    if answer is None:
        return
    try:
        reply = await asyncio.to_thread(_store_and_queue, tracker.sender_id, answer)
    except Exception as error:  # staff still see the message in the transcript
        logger.error("could not record a contact-later answer: %s", type(error).__name__)
        return
    if reply:
        tracker.update(BotUttered(text=reply, metadata={"safety_advice": True, "contact_later": answer.choice}))
