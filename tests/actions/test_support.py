"""Support-finder actions run against a migrated database: exact events and the text the user sees."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.support import (
    ActionAskReferralConsent,
    ActionFindSupport,
    ActionMakeReferral,
    ValidateReferralForm,
    ValidateSupportForm,
)
from bot.directory.importer import import_directory
from bot.models.directory import Agency, Referral
from bot.settings import PROJECT_ROOT
from bot.wording import CHANNELS, response_message

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
AGENCIES_FILE = PROJECT_ROOT / "data" / "directory" / "agencies.yml"
SENDER = "telegram:123456"
ANSWERED_AT = 1_795_000_000.0  # the user's message timestamp (2026-11-18 11:06:40 UTC)
FRAUD_IN_SX4 = ["southmoor-scam-recovery", "southmoor-older-peoples-safety", "report-fraud"]
LISTED = ["southmoor-scam-recovery", "southmoor-older-peoples-safety", "southmoor-victim-care-hub"]
UNKNOWN_NEED = (
    "Sorry, I didn't catch what kind of support you need. You could say, for example: domestic abuse, "
    'sexual assault, a scam, burglary, hate crime, stalking, a road crash, or "something else".'
)


def make_tracker(
    text: str,
    *,
    intent: str = "inform_need",
    slots: dict | None = None,
    candidates: dict | None = None,
    requested_slot: str | None = None,
    active_loop: str | None = None,
    history: list[dict] | None = None,
) -> Tracker:
    """A tracker whose latest event is the user's `text`, followed by Rasa's slot candidates."""
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    all_slots.update(candidates or {})
    all_slots["requested_slot"] = requested_slot
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    events = [*(history or []), {"event": "user", "timestamp": ANSWERED_AT, "text": text, "parse_data": latest}]
    events += [SlotSet(name, value) for name, value in (candidates or {}).items()]
    return Tracker(
        SENDER, all_slots, latest, events, False, None, {"name": active_loop} if active_loop else {}, "action_listen"
    )


async def run(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


@pytest.fixture
def directory(session):
    import_directory(session, AGENCIES_FILE)
    session.commit()
    return session


@pytest.fixture
def small_directory(session, tmp_path: Path):
    """One local agency that never says it is open, one national line open 24/7, and Victim Support."""

    def agency(slug, name, **fields):
        return {
            "slug": slug,
            "name": name,
            "summary": f"{name} helps.",
            "needs": ["stalking"],
            "phone": "01632 960001",
            "opening_hours": {},
            **fields,
        }

    path = tmp_path / "small.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "agencies": [
                    agency("local-stalking", "Local Stalking Team", sample=True, areas=["Oakhollow"]),
                    agency(
                        "national-stalking",
                        "National Stalking Line",
                        national=True,
                        phone="0808 802 0300",
                        opening_hours={"always": True},
                    ),
                    agency(
                        "victim-support-supportline",
                        "Victim Support Supportline",
                        national=True,
                        needs=["general"],
                        phone="08 08 16 89 111",
                        website="https://www.victimsupport.org.uk",
                        opening_hours={"always": True},
                    ),
                ]
            }
        ),
        encoding="utf-8",
    )
    import_directory(session, path)
    session.commit()
    return session


# ------------------------------------------------------------------ support_form


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


async def test_an_unknown_need_is_refused_with_examples(db_url):
    events, messages = await run(ValidateSupportForm(), make_tracker("purple", requested_slot="need"))
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
    assert messages[0]["text"] == (
        "Sorry, I don't know that place in Southmoor. Please give a town such as Fenchester or Port Wyvern, "
        "or the first part of your postcode such as SX4. If you'd rather not say, or you live outside "
        'Southmoor, say "skip" and I\'ll show national services.'
    )


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


# ------------------------------------------------------------------ action_find_support


async def test_find_support_lists_three_numbered_results(directory):
    events, messages = await run(ActionFindSupport(), make_tracker("SX4", slots={"need": "fraud", "area": "SX4"}))
    assert events == [SlotSet("support_results", FRAUD_IN_SX4)]
    assert len(messages) == 1 and len(messages[0]["text"]) <= 306
    assert messages[0]["text"].split("\n") == [
        "Here are services for fraud or scams in Fenchester City (SX4):",
        "1. Southmoor Scam Recovery Service (sample), open now until 17:00: call 01632 960107.",
        "2. Southmoor Older People's Safety Service (sample), open now until 16:30: call 01632 960109.",
        "3. Report Fraud, open now until 20:00: call 0300 123 2040.",
    ]


async def test_open_now_requests_put_open_services_first(small_directory):
    slots = {"need": "stalking", "area": "Oakhollow"}
    events, _ = await run(ActionFindSupport(), make_tracker("Oakhollow", slots=slots))
    assert events == [SlotSet("support_results", ["local-stalking", "national-stalking"])]
    events, messages = await run(ActionFindSupport(), make_tracker("Oakhollow, who is open right now?", slots=slots))
    assert events == [SlotSet("support_results", ["national-stalking", "local-stalking"])]
    assert messages[1]["text"] == (
        "Here are services for stalking or harassment in Oakhollow:\n"
        "1. National Stalking Line, open 24/7: call 0808 802 0300.\n"
        "2. Local Stalking Team (sample), hours not known: call 01632 960001."
    )


async def test_a_risk_need_opens_with_999_and_a_person_then_the_results(directory):
    _events, messages = await run(
        ActionFindSupport(), make_tracker("Ashby", slots={"need": "domestic_abuse", "area": "Ashby Vale"})
    )
    safety, results = messages[0]["text"], "\n".join(message["text"] for message in messages[1:])
    assert all(len(message["text"]) <= 306 for message in messages)
    assert "999" in safety and "55" in safety and "stay on the line" in safety and "talk to a person" in safety
    assert results.startswith("Here are services for domestic abuse in Ashby Vale:\n1. ")
    assert "National Domestic Abuse Helpline (Refuge), open 24/7: call 0808 2000 247." in results


async def test_other_needs_start_with_the_results(directory):
    _events, messages = await run(ActionFindSupport(), make_tracker("SX4", slots={"need": "fraud", "area": "SX4"}))
    assert messages[0]["text"].startswith("Here are services for fraud")


async def test_no_results_offers_victim_support(small_directory):
    events, messages = await run(ActionFindSupport(), make_tracker("skip", slots={"need": "lgbt", "area": "any"}))
    assert events == [SlotSet("support_results", [])]
    assert messages[0]["text"] == (
        "I couldn't find a service for LGBT+ support. Victim Support can help after any crime, reported or not. "
        "Victim Support Supportline, free, 24/7: call 08 08 16 89 111."
    )


# ------------------------------------------------------------------ referral_form


def choice_tracker(text: str, intent: str = "inform") -> Tracker:
    return make_tracker(
        text,
        intent=intent,
        slots={"support_results": LISTED, "need": "fraud", "area": "SX4"},
        candidates={"referral_choice": text},
        requested_slot="referral_choice",
        active_loop="referral_form",
    )


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("2", "southmoor-older-peoples-safety"),
        ("the first one", "southmoor-scam-recovery"),
        ("Southmoor Victim Care Hub", "southmoor-victim-care-hub"),
        ("3rd", "southmoor-victim-care-hub"),
    ],
)
async def test_referral_choice_by_number_ordinal_or_name(directory, text, slug):
    events, messages = await run(ValidateReferralForm(), choice_tracker(text))
    assert events == [SlotSet("referral_choice", slug)]
    assert messages == []


@pytest.mark.parametrize("text", ["no", "No thanks"])
async def test_declining_ends_the_form_without_a_referral(directory, text):
    events, messages = await run(ValidateReferralForm(), choice_tracker(text, intent="deny"))
    assert events == [SlotSet("referral_choice", "none"), SlotSet("referral_consent", False)]
    assert messages == []


async def test_an_unclear_choice_is_asked_again(directory):
    events, messages = await run(ValidateReferralForm(), choice_tracker("7"))
    assert events == [SlotSet("referral_choice", None)]
    assert messages[0]["text"] == "Sorry, which one? Reply with 1, 2, 3, or say no."


async def test_a_helpline_that_takes_no_referrals_is_explained(directory):
    tracker = make_tracker(
        "1",
        slots={"support_results": ["report-fraud"]},
        candidates={"referral_choice": "1"},
        requested_slot="referral_choice",
        active_loop="referral_form",
    )
    events, messages = await run(ValidateReferralForm(), tracker)
    assert events == [SlotSet("referral_choice", None)]
    assert messages[0]["text"] == (
        "Report Fraud doesn't take referrals through Haven, but you can contact them "
        "directly: Call 0300 123 2040; www.reportfraud.police.uk. Reply with another "
        "number, or say no."
    )


async def test_consent_is_asked_explicitly(directory):
    events, messages = await run(
        ActionAskReferralConsent(),
        make_tracker("1", slots={"referral_choice": "southmoor-scam-recovery"}, requested_slot="referral_consent"),
    )
    assert events == []
    assert messages[0]["text"] == (
        "To refer you, I'll share your first name and how to contact you on this channel with Southmoor Scam "
        "Recovery Service, and they will contact you. Do you agree?"
    )
    assert messages[0]["buttons"] == [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


async def test_consent_yes_records_the_referral(directory):
    slots = {"referral_choice": "southmoor-scam-recovery", "referral_consent": True, "need": "fraud", "area": "SX4"}
    events, messages = await run(ActionMakeReferral(), make_tracker("yes", intent="affirm", slots=slots))
    assert events == [SlotSet("referral_choice", None), SlotSet("referral_consent", None)]
    assert messages[0]["text"] == (
        "Thank you. I've passed your referral to Southmoor Scam Recovery Service, and they will contact you on this "
        "channel. If you need them sooner, you can contact them yourself: Call 01632 960107; "
        "scamrecovery.southmoor.example."
    )
    referral = directory.scalars(select(Referral)).one()
    agency = directory.get(Agency, referral.agency_id)
    assert (agency.slug, referral.sender_id, referral.channel, referral.need, referral.area, referral.status) == (
        "southmoor-scam-recovery",
        SENDER,
        "telegram",
        "fraud",
        "SX4",
        "new",
    )
    assert referral.consent_given_at == datetime(2026, 11, 18, 11, 6, 40)


@pytest.mark.parametrize(
    "slots",
    [
        {"referral_choice": "southmoor-scam-recovery", "referral_consent": False},
        {"referral_choice": "none", "referral_consent": False},
        {"referral_choice": "southmoor-scam-recovery", "referral_consent": None},
    ],
)
async def test_without_consent_no_referral_is_recorded(directory, slots):
    events, messages = await run(
        ActionMakeReferral(), make_tracker("no", intent="deny", slots={**slots, "need": "fraud", "area": "SX4"})
    )
    assert events == [SlotSet("referral_choice", None), SlotSet("referral_consent", None)]
    assert messages[0]["text"] == (
        "That's fine, no referral has been made. You can contact them yourself whenever you like."
    )
    assert directory.scalars(select(Referral)).all() == []
