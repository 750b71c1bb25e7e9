"""Off duty, the victim says whether and when it is safe to message them later; the answer is kept and respected."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.handoff import wording
from bot.handoff.contact_later import (
    ContactAnswer,
    latest_answer,
    may_message_later,
    pending_answer,
    react_to_contact_answer,
    read_answer,
    record_answer,
)
from bot.handoff.queue import add_note, list_notes, open_handoff
from bot.models import OutboxMessage
from tests.handoff.factories import make_staff

SENDER = "sms:+447700900321"


@pytest.mark.parametrize(
    ("text", "intent", "choice"),
    [
        ("YES", None, "yes"),
        ("yes that's fine", "affirm", "yes"),
        ("ok", None, "yes"),
        ("NO", None, "no"),
        ("no it isn't", "deny", "no"),
        ("not safe", None, "no"),
        ("after 6pm", None, "time"),
        ("only weekday mornings when he's at work", None, "time"),
        ("yes but only after 9:30", "affirm", "time"),
        ("no, maybe tomorrow", None, "no"),  # any "no" means nothing is sent unasked
    ],
)
def test_the_answer_is_read_from_their_own_words(text, intent, choice):
    assert read_answer(text, intent) == ContactAnswer(choice, text)


@pytest.mark.parametrize("text", ["", "   ", "thank you", "what happens now"])
def test_a_reply_that_is_not_an_answer_is_left_for_staff(text):
    assert read_answer(text, "thank") is None


def paused(*after_question: object, question: str = wording.off_duty_message()) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        SENDER,
        [UserUttered("he hit me"), BotUttered(question), ActionExecuted("action_escalate"), ConversationPaused(),
         *after_question],
    )


def reply(text: str, intent: str = "inform", risk: dict | None = None) -> UserUttered:
    return UserUttered(text, parse_data={"intent": {"name": intent, "confidence": 0.9}, "risk": risk or {}})


def test_only_a_reply_to_the_question_in_a_paused_conversation_is_taken():
    assert pending_answer(paused(reply("no", "deny"))) == ContactAnswer("no", "no")
    assert pending_answer(paused(reply("hello", "greet"), reply("after 8pm"))) == ContactAnswer("time", "after 8pm")
    assert pending_answer(paused(reply("no", "deny"), question=wording.joining_message(3))) is None
    not_paused = DialogueStateTracker.from_events(SENDER, [BotUttered(wording.off_duty_message()), reply("no")])
    assert pending_answer(not_paused) is None


def test_a_risky_reply_is_never_taken_as_the_answer():
    assert pending_answer(paused(reply("no he's back", "deny", {"escalate": True}))) is None
    assert pending_answer(paused(reply("no", "deny", {"band": "uncertain"}))) is None


def test_after_yes_a_later_no_still_counts_but_a_later_yes_asks_nothing_new():
    later = paused(reply("yes", "affirm"), BotUttered(wording.CONTACT_LATER_YES), reply("no", "deny"))
    assert pending_answer(later) == ContactAnswer("no", "no")
    again = paused(reply("yes", "affirm"), BotUttered(wording.CONTACT_LATER_YES), reply("yes", "affirm"))
    assert pending_answer(again) is None


def test_the_answer_is_kept_on_the_hand_off_for_staff_and_the_newest_wins(session):
    handoff = open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")
    assert latest_answer(session, sender_id=SENDER) is None and may_message_later(session, sender_id=SENDER)
    assert record_answer(session, sender_id=SENDER, answer=ContactAnswer("time", "after 6pm"))
    assert latest_answer(session, sender_id=SENDER) == "time" and not may_message_later(session, sender_id=SENDER)
    record_answer(session, sender_id=SENDER, answer=ContactAnswer("yes", "yes"))
    assert may_message_later(session, sender_id=SENDER)
    notes = [note.body for note, _author in list_notes(session, handoff_id=handoff.id)]
    assert notes[0] == 'Contact later: only at the time they gave. Their words: "after 6pm"'
    assert notes[1] == 'Contact later: yes, any time. Their words: "yes"'


def test_a_staff_note_that_looks_alike_changes_nothing(session):
    handoff = open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")
    record_answer(session, sender_id=SENDER, answer=ContactAnswer("no", "no"))
    add_note(session, handoff_id=handoff.id, staff=make_staff(session), body="Contact later: yes, any time")
    assert latest_answer(session, sender_id=SENDER) == "no"


def test_without_a_hand_off_nothing_is_recorded(session):
    assert record_answer(session, sender_id="sms:+447700900999", answer=ContactAnswer("no", "no")) is False


async def test_the_answer_is_recorded_and_confirmed_on_the_victims_channel(session, db_url):
    open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")
    session.commit()
    tracker = paused(reply("NO", "deny"))

    await react_to_contact_answer(tracker)

    session.expire_all()
    assert not may_message_later(session, sender_id=SENDER)
    queued = session.scalars(select(OutboxMessage)).all()
    assert [(row.channel, row.recipient, row.payload["text"]) for row in queued] == [
        ("sms", "+447700900321", wording.CONTACT_LATER_NO)
    ]
    assert tracker.events[-1].text == wording.CONTACT_LATER_NO
    assert tracker.events[-1].metadata == {"safety_advice": True, "contact_later": "no"}
    await react_to_contact_answer(tracker)  # the same turn saved again: nothing new
    assert len(session.scalars(select(OutboxMessage)).all()) == 1


async def test_havens_tracker_store_reads_the_answer_when_the_waiting_turn_is_saved(session, db_url):
    from pathlib import Path

    from rasa.shared.core.domain import Domain

    from bot.tracker_store import HavenTrackerStore

    store = HavenTrackerStore(domain=Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml")))
    open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")
    session.commit()
    tracker = paused()
    await store.save(tracker)
    tracker = await store.retrieve(SENDER)
    tracker.update(reply("after 7pm tonight"))

    await store.save(tracker)

    session.expire_all()
    assert latest_answer(session, sender_id=SENDER) == "time"
    saved = await store.retrieve(SENDER)
    assert saved.events[-1].text == wording.CONTACT_LATER_TIME  # in the transcript staff read
