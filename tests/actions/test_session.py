"""Session start: a clean slate (no verification carried over), contact recorded, open hand-offs left to their row."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.session import ActionSessionStart
from bot.handoff.queue import active_handoff, open_handoff
from bot.models.cases import ContactIdentity

SENDER = "telegram:424242"


def _tracker(sender: str = SENDER) -> Tracker:
    slots = {"verified": True, "verified_reference": "SP/10001/26", "crime_ref": "SP/10001/26"}
    return Tracker(sender, slots, {}, [], False, None, {}, None)


async def _run(sender: str = SENDER) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, _tracker(sender), {})
    return events, dispatcher.messages


async def test_new_session_carries_nothing_over_and_records_the_contact(session):
    events, messages = await _run()
    assert events == [SessionStarted(), ActionExecuted("action_listen")]
    assert messages == []
    identity = session.scalars(select(ContactIdentity)).one()
    assert (identity.channel, identity.address, identity.victim_id) == ("telegram", "424242", None)


async def test_session_expiry_during_a_hand_off_leaves_the_hand_off_open(session):
    open_handoff(session, sender_id=SENDER, channel="telegram", reason="requested")
    session.commit()
    events, messages = await _run()
    assert events == [SessionStarted(), ActionExecuted("action_listen")]  # no pause: the row holds it
    assert messages == []
    session.expire_all()
    assert active_handoff(session, sender_id=SENDER) is not None


async def test_another_senders_hand_off_does_not_pause_this_one(session):
    open_handoff(session, sender_id="sms:+447700900999", channel="sms", reason="requested")
    session.commit()
    events, _messages = await _run()
    assert events == [SessionStarted(), ActionExecuted("action_listen")]
