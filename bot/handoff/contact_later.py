"""Whether and when it is safe to message a victim later: read their answer, keep it on the hand-off, check it.

When nobody is on duty, the hand-off message asks "Is it safe for us to message you here later?"
(bot/handoff/wording.py). While the hand-off is open, the hand-off policy notices a reply to it
(`answer_in_reply`) and runs `action_handoff_contact_later` (actions/handoff.py), which keeps the answer as
a system note on the hand-off, where staff see it before they reply, and confirms it to the victim.
`may_message_later` is checked before any unprompted message (update nudges).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff import wording
from bot.models.base import utcnow
from bot.models.handoff import Handoff, HandoffNote

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


def answer_in_reply(text: str | None, intent: str | None, risk: dict[str, Any], asked: str) -> ContactAnswer | None:
    """The answer in a victim's message, if it replies to the question (`asked`: the bot's last words before it).

    A message the risk screen flags is never read as this answer: it is answered as a risk.
    """
    if risk.get("escalate") or risk.get("band") == "uncertain":
        return None
    answer = read_answer(text, intent)
    if answer is None:
        return None
    if wording.CONTACT_LATER_QUESTION in asked:
        return answer
    if asked in (wording.CONTACT_LATER_YES, wording.CONTACT_LATER_TIME) and answer.choice == "no":
        return answer  # "If it stops being safe, reply NO"
    return None


def record_and_reply(session: Session, *, sender_id: str, answer: ContactAnswer) -> str | None:
    """Keep the answer on the conversation's latest hand-off; the confirmation to send, or None without one."""
    if not record_answer(session, sender_id=sender_id, answer=answer):
        return None
    logger.info("contact-later answer recorded: %s", answer.choice)
    return REPLIES[answer.choice]
