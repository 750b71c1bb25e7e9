"""Hand-off actions: who will help and when, in one step that records the row (nothing pauses; the advice is a
domain response)."""

from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.handoff import ActionDefaultFallback, ActionEscalate, ActionRequestHuman
from bot.handoff.queue import claim
from bot.models.base import utcnow
from bot.models.handoff import Handoff
from bot.settings import get_settings
from tests.handoff.dispatched import texts
from tests.handoff.factories import make_handoff, make_staff

# Opening hours only on the day after tomorrow: the gateway is closed whenever the test runs.
NEVER_OPEN = f"{(datetime.now(timezone.utc) + timedelta(days=2)):%a} 09:00-10:00"
RISK = {"escalate": True, "level": "imminent", "category": "domestic_abuse", "matched": ["going to kill me"]}


def make_tracker(sender_id="sms:+447700900123", *, risk=None, active_loop=None):
    latest = {"text": "...", "intent": {"name": "risk_disclosure", "confidence": 1.0}, "entities": []}
    if risk is not None:
        latest["risk"] = risk
    return Tracker(
        sender_id=sender_id,
        slots={"requested_slot": None},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture
def on_duty(session):
    """A worker in the console now, whose last claim took three minutes."""
    staff = make_staff(session)
    staff.last_seen_at = utcnow()
    earlier = make_handoff(session, "sms:+447700900999", created_at=utcnow() - timedelta(minutes=20))
    claim(session, handoff_id=earlier.id, staff=staff, now=earlier.created_at + timedelta(minutes=3))
    session.commit()


@pytest.fixture
def off_duty(session, monkeypatch):
    monkeypatch.setenv("HAVEN_GATEWAY_HOURS", NEVER_OPEN)
    get_settings.cache_clear()


def recorded(session, sender_id):
    return session.scalars(select(Handoff).where(Handoff.sender_id == sender_id)).one()


async def test_escalate_says_who_will_help_and_records_the_row_without_repeating_the_advice(session, on_duty):
    dispatcher = CollectingDispatcher()
    events = await ActionEscalate().run(dispatcher, make_tracker(risk=RISK), {})
    assert texts(dispatcher) == [
        "A person from our team will reply here in about 3 minutes. Is it safe for you to keep messaging here? "
        "If it stops being safe, you can stop at any time. In an emergency, call 999.",
    ]
    assert events == []  # the open row is what keeps the bot quiet from now on
    handoff = recorded(session, "sms:+447700900123")
    assert (handoff.reason, handoff.level, handoff.category, handoff.priority, handoff.channel, handoff.status) == (
        "risk",
        "imminent",
        "domestic_abuse",
        0,
        "sms",
        "waiting",
    )


async def test_escalate_out_of_hours_says_what_to_do_now(session, off_duty):
    dispatcher = CollectingDispatcher()
    events = await ActionEscalate().run(dispatcher, make_tracker("telegram:42", risk=RISK), {})
    next_steps, question = texts(dispatcher, "telegram")
    assert next_steps.startswith(f"Nobody from our team is working now. We work {NEVER_OPEN}.")
    assert "call 999" in next_steps and "Victim Support, free, day or night: 08 08 16 89 111" in next_steps
    assert question == "Is it safe for us to message you here later? Reply YES, NO, or a safe time."
    assert events == []
    assert recorded(session, "telegram:42").level == "imminent"


async def test_escalate_mid_form_deactivates_the_form(session, off_duty):
    dispatcher = CollectingDispatcher()
    events = await ActionEscalate().run(dispatcher, make_tracker(risk=RISK, active_loop="case_update_form"), {})
    assert events == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]


async def test_asking_for_a_person_records_a_normal_handoff(session, on_duty):
    dispatcher = CollectingDispatcher()
    events = await ActionRequestHuman().run(dispatcher, make_tracker("webchat:s-1"), {})
    assert texts(dispatcher, "webchat")[0] == "Of course. I've passed this to our team."
    assert texts(dispatcher, "webchat")[-1].startswith("A person from our team will reply here in about 3 minutes.")
    assert events == []
    handoff = recorded(session, "webchat:s-1")
    assert (handoff.reason, handoff.level, handoff.channel) == ("requested", "normal", "webchat")


async def test_final_fallback_hands_over_with_the_off_duty_wording(session, off_duty):
    dispatcher = CollectingDispatcher()
    events = await ActionDefaultFallback().run(dispatcher, make_tracker("sms:+447700900555"), {})
    first, second, question = texts(dispatcher)
    assert first == "Sorry, I'm still not understanding. I've passed this to our team."
    assert "Victim Support, free, day or night: 08 08 16 89 111" in second
    assert question.startswith("Is it safe for us to message you here later?")
    assert events == []
    assert recorded(session, "sms:+447700900555").reason == "fallback"


async def test_a_second_escalation_keeps_one_handoff_at_the_higher_level(session, off_duty):
    await ActionRequestHuman().run(CollectingDispatcher(), make_tracker("sms:+447700900777"), {})
    await ActionEscalate().run(CollectingDispatcher(), make_tracker("sms:+447700900777", risk=RISK), {})
    handoff = recorded(session, "sms:+447700900777")
    assert (handoff.level, handoff.reason) == ("imminent", "risk")
