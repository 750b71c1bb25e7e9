"""support_form: the need and the area are read from free text, and what can't be used is refused with examples."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.support import ValidateSupportForm
from bot.settings import PROJECT_ROOT
from bot.wording import CHANNELS, response_message
from tests.actions.support_trackers import DOMAIN, make_tracker, run

UNKNOWN_NEED = (
    "Sorry, I didn't catch what kind of support you need. You could say, for example: domestic abuse, "
    'sexual assault, a scam, burglary, hate crime, stalking, a road crash, or "something else".'
)
UNKNOWN_AREA = (
    "Sorry, I don't know that place in Southmoor. Please give a town such as Fenchester or Port Wyvern, "
    "or the first part of your postcode such as SX4. If you'd rather not say, or you live outside "
    'Southmoor, say "skip" and I\'ll show national services.'
)


async def test_free_text_fills_the_need_the_nlu_missed(db_url):
    events, messages = await run(
        ValidateSupportForm(), make_tracker("I was scammed online", requested_slot="need", active_loop="support_form")
    )
    assert events == [SlotSet("need", "fraud")]
    assert messages == []


async def test_an_entity_value_is_normalised(db_url):
    events, _messages = await run(
        ValidateSupportForm(),
        make_tracker("it's an abusive partner", candidates={"need": "abusive partner"}, requested_slot="need"),
    )
    assert events == [SlotSet("need", "domestic_abuse")]


@pytest.mark.parametrize("sender", ["telegram:123456", "sms:+447700900123", "webchat:abc"])
async def test_an_unknown_need_is_refused_with_examples(db_url, sender):
    events, messages = await run(ValidateSupportForm(), make_tracker("purple", requested_slot="need", sender=sender))
    assert events == [SlotSet("need", None)]
    assert [message["text"] for message in messages] == [UNKNOWN_NEED]


async def test_the_opening_message_can_fill_need_and_area_but_a_bare_request_fills_nothing(db_url):
    events, _ = await run(
        ValidateSupportForm(), make_tracker("my house was broken into, I'm in SX12 3AB", intent="find_support")
    )
    assert events == [SlotSet("need", "burglary"), SlotSet("area", "SX12")]
    events, messages = await run(ValidateSupportForm(), make_tracker("I need support", intent="find_support"))
    assert (events, messages) == ([], [])


@pytest.mark.parametrize(
    ("text", "value"),
    [("SX4 1AB", "SX4"), ("sx4", "SX4"), ("I live in Port Wyvern", "Wyvern Coast"), ("I'd rather not say", "any")],
)
async def test_the_area_comes_from_a_town_or_postcode(db_url, text, value):
    events, messages = await run(
        ValidateSupportForm(), make_tracker(text, intent="inform_area", slots={"need": "fraud"}, requested_slot="area")
    )
    assert events == [SlotSet("area", value)]
    assert messages == []


async def test_an_unknown_place_is_refused_with_examples(db_url):
    events, messages = await run(
        ValidateSupportForm(),
        make_tracker("Narnia", intent="inform_area", slots={"need": "fraud"}, requested_slot="area"),
    )
    assert events == [SlotSet("area", None)]
    assert [message["text"] for message in messages] == [UNKNOWN_AREA]


@pytest.mark.parametrize(
    ("text", "intent", "requested_slot"),
    [
        ("I want to talk to a person about fraud", "talk_to_human", "need"),
        ("are you a bot? it was fraud", "bot_challenge", "need"),
        ("what are my rights after a burglary", "ask_rights", "need"),
        ("am I safe in Fenchester", "risk_uncertain", "area"),
        ("forget it, Fenchester", "cancel", "area"),
    ],
)
async def test_messages_for_other_intents_leave_the_form_alone(db_url, text, intent, requested_slot):
    events, messages = await run(
        ValidateSupportForm(), make_tracker(text, intent=intent, requested_slot=requested_slot)
    )
    assert (events, messages) == ([], [])


def test_the_domain_keeps_other_intents_out_of_need_and_area():
    for slot in ("need", "area"):
        assert {"talk_to_human", "bot_challenge", "ask_rights", "report_crime"} <= set(
            DOMAIN["slots"][slot]["mappings"][0]["not_intent"]
        )
    assert {"risk_uncertain", "cancel"} <= set(DOMAIN["forms"]["support_form"]["ignored_intents"])


@pytest.mark.parametrize("channel", CHANNELS)
def test_need_is_asked_with_plain_text_quick_replies(channel):
    assert "action_ask_need" not in DOMAIN["actions"]  # so support_form asks with the response utter_ask_need
    message = response_message("utter_ask_need", channel, domain_file=PROJECT_ROOT / "domain.yml")
    assert message["text"] == "What kind of support are you looking for?"
    buttons = message["buttons"]
    assert 1 <= len(buttons) <= 6
    assert buttons[0] == {"title": "Domestic abuse", "payload": "domestic abuse"}
    assert not any(button["payload"].startswith("/") for button in buttons)
