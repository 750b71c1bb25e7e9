"""Off duty, the victim says whether and when it is safe to message them later; the answer is kept and respected."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoffContactLater
from bot.handoff import wording
from bot.handoff.contact_later import (
    ContactAnswer,
    answer_in_reply,
    latest_answer,
    may_message_later,
    read_answer,
    record_answer,
)
from bot.handoff.queue import add_note, list_notes, open_handoff
from bot.handoff.waiting_turn import turn_view
from bot.wording import response_text
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


YES_CONFIRMED = BotUttered(response_text(wording.CONTACT_LATER_REPLIES["yes"], "sms"))


def waiting(*after_question: object, on_duty: bool = False) -> list[dict]:
    """A waiting conversation's events (as dicts): the hand-off messages (asking the question when nobody is on
    duty), then the victim spoke."""
    told = wording.texts(wording.handoff_replies(on_duty=on_duty, wait_minutes=3), "sms")
    events = [UserUttered("he hit me"), *map(BotUttered, told), ActionExecuted("action_escalate"), *after_question]
    return [event.as_dict() for event in events]


def reply(text: str, intent: str = "inform", risk: dict | None = None) -> UserUttered:
    return UserUttered(text, parse_data={"intent": {"name": intent, "confidence": 0.9}, "risk": risk or {}})


def answer(events: list[dict]) -> ContactAnswer | None:
    turn = turn_view(events)
    return answer_in_reply(turn.text, turn.intent, turn.risk, turn.asked)


def test_only_a_reply_to_the_question_is_taken():
    assert answer(waiting(reply("no", "deny"))) == ContactAnswer("no", "no")
    assert answer(waiting(reply("no", "deny"), on_duty=True)) is None
    assert answer(waiting(reply("after 8pm"))) == ContactAnswer("time", "after 8pm")


def test_a_reply_to_the_question_asked_at_the_end_of_one_message_is_still_taken():
    # conversations that waited across the change got the hours and the question as one message
    question = response_text(wording.ASK_CONTACT_LATER, "sms")
    asked = BotUttered(f"Nobody from our team is working now. {question}")
    assert answer([event.as_dict() for event in (asked, reply("after 8pm"))]) == ContactAnswer("time", "after 8pm")


def test_a_risky_reply_is_never_taken_as_the_answer():
    assert answer(waiting(reply("no he's back", "deny", {"escalate": True}))) is None
    assert answer(waiting(reply("no", "deny", {"band": "uncertain"}))) is None


def test_after_yes_a_later_no_still_counts_but_a_later_yes_asks_nothing_new():
    later = waiting(reply("yes", "affirm"), YES_CONFIRMED, reply("no", "deny"))
    assert answer(later) == ContactAnswer("no", "no")
    again = waiting(reply("yes", "affirm"), YES_CONFIRMED, reply("yes", "affirm"))
    assert answer(again) is None


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


def sdk_tracker(events: list[dict]) -> Tracker:
    return Tracker(SENDER, {}, {}, events, False, None, {}, "action_listen")


async def test_the_action_records_the_answer_then_confirms_it(session, db_url):
    open_handoff(session, sender_id=SENDER, channel="sms", reason="risk", level="high")
    session.commit()
    dispatcher = CollectingDispatcher()

    assert await ActionHandoffContactLater().run(dispatcher, sdk_tracker(waiting(reply("NO", "deny"))), {}) == []

    session.expire_all()
    assert not may_message_later(session, sender_id=SENDER)
    assert [message["response"] for message in dispatcher.messages] == ["utter_handoff_contact_later_no"]


async def test_without_a_hand_off_the_action_confirms_nothing(db_url):
    dispatcher = CollectingDispatcher()
    await ActionHandoffContactLater().run(dispatcher, sdk_tracker(waiting(reply("yes", "affirm"))), {})
    assert dispatcher.messages == []
