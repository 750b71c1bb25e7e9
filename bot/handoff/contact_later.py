"""Whether and when it is safe to message a victim later: read their answer, keep it on the hand-off, check it.

When nobody is on duty, the hand-off replies end with "Is it safe for us to message you here later?"
(utter_handoff_ask_contact_later). While the hand-off is open, the hand-off policy notices a reply to it
(`answer_in_reply`) and runs `action_handoff_contact_later` (actions/handoff.py), which keeps the answer as
a system note on the hand-off, where staff see it before they reply, and confirms it to the victim.
`may_message_later` is checked before any unprompted message (update nudges). Staff messages are checked
by `staff_contact`: after a NO nothing is sent until the victim writes again (their own message is the
prompt, as the NO confirmation tells them: "When it is safe, message us"); a safe time is shown to staff.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff import wording
from bot.handoff.escalation_events import EVENTS
from bot.models.base import utcnow
from bot.models.handoff import Handoff, HandoffNote
from bot.wording import CHANNELS, response_text

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
LABELS = {"yes": "yes, any time", "no": "NO - do not message them", "time": "only at the time they gave"}
WORDS_MARK = 'Their words: "'
CLOCK_SLACK_SECONDS = 0.001  # the answer's note keeps its message's time to the microsecond


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


@dataclass(frozen=True)
class StaffContact:
    """What staff must know before a message goes to the victim: their newest answer and whether they wrote since."""

    choice: str | None  # "yes", "no", "time", or None when never asked or never answered
    words: str | None  # their own words (the safe time, when they gave one)
    written_since: bool  # a message of theirs after the answer: the prompt for a reply

    @property
    def blocked(self) -> bool:
        """True when nothing may be sent: they said NO and have not written since."""
        return self.choice == "no" and not self.written_since

    @property
    def safe_time(self) -> str | None:
        """The time they said it is safe to message them, in their words, for staff to check before sending."""
        return self.words if self.choice == "time" else None

    def as_dict(self) -> dict[str, Any]:
        return {"answer": self.choice, "blocked": self.blocked, "safe_time": self.safe_time}


def record_answer(
    session: Session, *, sender_id: str, answer: ContactAnswer, now: datetime | None = None, at: float | None = None
) -> bool:
    """Keep the answer as a system note on the conversation's latest hand-off; False if it has none.

    `at` is the answering message's time (Rasa's clock), so later messages compare with it on the same clock.
    """
    handoff = _latest_handoff(session, sender_id)
    if handoff is None:
        return False
    if at is not None and now is None:
        now = datetime.fromtimestamp(at, tz=timezone.utc).replace(tzinfo=None)
    body = f'{NOTE_PREFIX} {LABELS[answer.choice]}. {WORDS_MARK}{answer.words}"'
    session.add(HandoffNote(handoff_id=handoff.id, staff_id=None, body=body, created_at=now or utcnow()))
    session.flush()
    return True


def _latest_note(session: Session, sender_id: str) -> HandoffNote | None:
    return session.scalars(
        select(HandoffNote)
        .join(Handoff, Handoff.id == HandoffNote.handoff_id)
        .where(Handoff.sender_id == sender_id, HandoffNote.staff_id.is_(None), HandoffNote.body.like(f"{NOTE_PREFIX}%"))
        .order_by(HandoffNote.created_at.desc(), HandoffNote.id.desc())
    ).first()


def _choice(note: HandoffNote) -> str | None:
    label = note.body[len(NOTE_PREFIX) :].strip()
    return next((choice for choice, text in LABELS.items() if label.startswith(text)), None)


def latest_answer(session: Session, *, sender_id: str) -> str | None:
    """The newest recorded answer for this conversation ("yes", "no", "time"), or None if never given."""
    note = _latest_note(session, sender_id)
    return _choice(note) if note is not None else None


def last_message_at(session: Session, *, sender_id: str) -> float | None:
    """When the victim last wrote in this conversation (Rasa's event time), None if never."""
    query = select(func.max(EVENTS.c.timestamp)).where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name == "user")
    latest = session.scalar(query)
    return float(latest) if latest is not None else None


def staff_contact(session: Session, *, sender_id: str) -> StaffContact:
    """Whether staff may message this victim now, and the safe time to show them (see the module's docstring)."""
    note = _latest_note(session, sender_id)
    if note is None:
        return StaffContact(choice=None, words=None, written_since=False)
    answered_at = note.created_at.replace(tzinfo=timezone.utc).timestamp()
    written = last_message_at(session, sender_id=sender_id)
    words = note.body.split(WORDS_MARK, 1)[1].removesuffix('"') if WORDS_MARK in note.body else None
    return StaffContact(
        choice=_choice(note),
        words=words,
        written_since=written is not None and written > answered_at + CLOCK_SLACK_SECONDS,
    )


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
    if _ends_with_response(asked, wording.ASK_CONTACT_LATER):
        return answer
    replies = wording.CONTACT_LATER_REPLIES
    if answer.choice == "no" and any(_ends_with_response(asked, replies[said]) for said in ("yes", "time")):
        return answer  # "If it stops being safe, reply NO"
    return None


def _ends_with_response(said: str, response: str) -> bool:
    """Whether the bot's words `said` end with response `response` as any channel words it."""
    said = said.strip()
    return bool(said) and any(said.endswith(response_text(response, channel)) for channel in CHANNELS)


def record_and_reply(session: Session, *, sender_id: str, answer: ContactAnswer, at: float | None = None) -> str | None:
    """Keep the answer on the conversation's latest hand-off; the confirmation response to send, or None."""
    if not record_answer(session, sender_id=sender_id, answer=answer, at=at):
        return None
    logger.info("contact-later answer recorded: %s", answer.choice)
    return wording.CONTACT_LATER_REPLIES[answer.choice]
