"""A person sets their own safe-contact preferences in the conversation, only with a current grant (real database)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.contact_preferences import (
    DONE_MARK,
    ActionAskContactChoice,
    ActionContactPreferences,
    ValidateContactPreferencesForm,
)
from bot.cases.grants import record_grant
from bot.cases.identities import link_verified
from bot.contact import preferences
from bot.contact.models import ContactPreference
from bot.contact.timing import parse_window
from bot.contact.victim_choices import read_choice
from bot.models.base import utcnow
from bot.settings import PROJECT_ROOT
from connectors.sms.render import render_text
from tests.cases.factories import make_case
from tests.cases.replies import text_of
from tests.handoff.dispatched import shown

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
REF, SENDER = "SP/20001/26", "sms:+447700900555"
NEED_CHECK = text_of("utter_contact_prefs_need_check")
STAFF_SET = preferences.Preferences(channels=("telegram",), window=parse_window("18:00-21:00"), ask_first=True)


def tracker(text: str = "", *, intent: str = "contact_preferences", verified: bool = True, topic: str | None = None,
            choice: bool = False, events: list[dict] | None = None, **slots: Any) -> Tracker:
    """The latest message `text`; with `choice`, it is the form's answer (a contact_choice candidate)."""
    values = {name: None for name in DOMAIN["slots"]}
    values.update(verified=verified, verified_reference=REF if verified else None, contact_topic=topic)
    if choice:
        values["requested_slot"] = "contact_choice"
    values.update(slots)
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    history = [*(events or []), {"event": "user", "text": text, "parse_data": latest}]
    if choice:
        history.append({"event": "slot", "name": "contact_choice", "value": text})
    loop = {"name": "contact_preferences_form"} if choice else {}
    return Tracker(SENDER, values, latest, history, False, None, loop, "action_listen")


async def run(action, tracker_: Tracker, channel: str = "sms") -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, DOMAIN)
    return events, [shown(message, channel) for message in dispatcher.messages]


def said(messages: list[dict]) -> list[str]:
    return [message["text"] for message in messages]


def victim(session, *, grant: bool = True, stored: preferences.Preferences | None = STAFF_SET) -> int:
    case, person = make_case(session, reference=REF)
    if stored is not None:
        preferences.save(session, person.id, stored, updated_by="staff:1")
    if grant:
        record_grant(session, case=case, victim=person, sender_key=SENDER, knowledge="dob_postcode",
                     possession="registered_number", now=utcnow())
    session.commit()
    return person.id


def stored(session, victim_id: int) -> tuple[preferences.Preferences, str]:
    session.expire_all()
    return preferences.load(session, victim_id), session.get(ContactPreference, victim_id).updated_by


@pytest.mark.parametrize("verified", [False, True])  # True: a forged or stale slot, but no grant in the database
async def test_without_a_grant_nothing_is_shown_or_changed_and_the_check_starts(session, verified):
    victim_id = victim(session, grant=False)
    events, messages = await run(ActionContactPreferences(), tracker("don't text me at weekends", verified=verified))
    assert said(messages) == [NEED_CHECK]
    assert "Telegram" not in NEED_CHECK and "18:00" not in NEED_CHECK
    assert FollowupAction("case_update_form") in events and SlotSet("contact_prefs_pending", True) in events
    assert SlotSet("contact_request", "don't text me at weekends") in events
    assert SlotSet("verified", False) in events
    assert stored(session, victim_id) == (STAFF_SET, "staff:1")
    _events, asked = await run(ActionAskContactChoice(), tracker(verified=verified))
    assert said(asked) == [NEED_CHECK]


async def test_the_form_never_saves_without_a_grant(session):
    victim_id = victim(session, grant=False)
    events, messages = await run(ValidateContactPreferencesForm(), tracker("not at weekends", choice=True))
    assert said(messages) == [NEED_CHECK] and {"event": "slot", "name": "contact_choice", "value": DONE_MARK,
                                               "timestamp": None} in events
    assert stored(session, victim_id) == (STAFF_SET, "staff:1")


async def test_a_verified_request_in_words_is_saved_as_theirs_and_confirmed(session):
    victim_id = victim(session)
    events, messages = await run(ActionContactPreferences(), tracker("don't text me at weekends"))
    assert said(messages) == [
        "Saved. We may now message you on Telegram only, only between 18:00 and 21:00, on weekdays only. "
        "Someone from our team will check with you first."
    ]
    assert FollowupAction("case_update_form") not in events
    assert stored(session, victim_id) == (
        preferences.Preferences(channels=("telegram",), window=parse_window("18:00-21:00"), no_weekends=True,
                                ask_first=True), preferences.BY_VICTIM)


async def test_the_menu_shows_what_is_set_in_plain_words_with_numbered_options_on_sms(session):
    victim(session, stored=None)
    _events, messages = await run(ActionAskContactChoice(), tracker("how do you contact me"))
    [menu] = messages
    assert menu["text"].startswith(
        "At the moment we may message you by text or Telegram, at any time of day, on any day. "
        "We won't check with you first. What would you like to change?"
    )
    assert [button["title"] for button in menu["buttons"]][-1] == "No changes"
    sms = render_text(menu)
    assert "Reply 1 for How we message you, 2 for When we message you, 3 for Weekends, 4 for Asking first" in sms
    assert len(sms) <= 306


async def test_a_menu_choice_asks_its_question_then_the_answer_is_saved(session):
    victim_id = victim(session, stored=None)
    events, messages = await run(ValidateContactPreferencesForm(), tracker("change the times", choice=True))
    assert SlotSet("contact_topic", "window") in events and messages == []
    _events, asked = await run(ActionAskContactChoice(), tracker(topic="window"))
    assert said(asked)[0].startswith("What times of day suit you?") and len(asked[0]["buttons"]) == 4
    events, messages = await run(ValidateContactPreferencesForm(), tracker("18:00-21:00", topic="window",
                                                                           choice=True))
    assert SlotSet("contact_topic", None) in events and SlotSet("contact_choice", None) in events
    assert "only between 18:00 and 21:00" in said(messages)[0]
    assert stored(session, victim_id) == (preferences.Preferences(window=parse_window("18:00-21:00")), "victim")


@pytest.mark.parametrize(("answer", "topic", "response"), [
    ("25:00-27:00", "window", "utter_contact_prefs_bad_times"),
    ("half six", "window", "utter_contact_prefs_not_understood"),
    ("6 7", "window", "utter_contact_prefs_bad_times"),
    ("purple", None, "utter_contact_prefs_not_understood"),
])
async def test_a_wrong_answer_is_asked_again_and_nothing_changes(session, answer, topic, response):
    victim_id = victim(session)
    events, messages = await run(ValidateContactPreferencesForm(), tracker(answer, topic=topic, choice=True))
    assert said(messages) == [text_of(response)]
    assert SlotSet("contact_choice", None) in events
    assert stored(session, victim_id) == (STAFF_SET, "staff:1")


async def test_the_message_that_opened_the_form_is_not_its_answer(session):
    victim_id = victim(session)
    opening = tracker("482913", intent="provide_code", choice=True, requested_slot=None)
    events, messages = await run(ValidateContactPreferencesForm(), opening)
    assert SlotSet("contact_choice", None) in events and messages == []
    assert stored(session, victim_id) == (STAFF_SET, "staff:1")


async def test_no_changes_ends_the_form(session):
    victim(session)
    events, messages = await run(ValidateContactPreferencesForm(), tracker("no changes", choice=True))
    assert SlotSet("contact_choice", DONE_MARK) in events
    assert said(messages) == [text_of("utter_contact_prefs_done")]


async def test_after_the_check_what_they_first_asked_for_is_applied(session):
    victim_id = victim(session, stored=None)
    started = [{"event": "action", "name": "action_contact_preferences"},
               {"event": "action", "name": "case_update_form"},
               {"event": "active_loop", "name": "case_update_form"}]
    events, messages = await run(ActionContactPreferences(), tracker(
        "482913", intent="provide_code", events=started, contact_prefs_pending=True,
        contact_request="only use telegram, not at weekends"))
    assert said(messages)[0].startswith("Saved. We may now message you on Telegram only")
    assert SlotSet("contact_prefs_pending", False) in events
    assert stored(session, victim_id)[0] == preferences.Preferences(channels=("telegram",), no_weekends=True)


async def test_a_failed_check_does_not_loop_back_into_it(session):
    victim(session, grant=False)
    started = [{"event": "action", "name": "action_contact_preferences"},
               {"event": "active_loop", "name": "case_update_form"},
               {"event": "user", "text": "x"},
               {"event": "bot", "metadata": {"utter_action": "utter_verification_locked"}}]
    events, messages = await run(ActionContactPreferences(), tracker(
        "15/01/1997 SX10 5UJ", intent="inform_area", verified=False, events=started[:3], contact_prefs_pending=True))
    assert FollowupAction("action_listen") in events and FollowupAction("case_update_form") not in events
    assert said(messages) == [NEED_CHECK]


async def test_a_check_started_for_news_gives_the_news(session):
    victim(session)
    news = [{"event": "action", "name": "case_update_form"}, {"event": "active_loop", "name": "case_update_form"}]
    events, messages = await run(ActionContactPreferences(), tracker(
        "01/02/1980 SX1 2AB", intent="inform_area", events=news, contact_prefs_pending=True))
    assert FollowupAction("action_give_case_update") in events and messages == []


def test_risk_a_person_and_opting_out_are_never_read_as_an_answer():
    mapping = DOMAIN["slots"]["contact_choice"]["mappings"][0]
    assert {"risk_disclosure", "risk_uncertain", "talk_to_human", "opt_out", "cancel"} <= set(mapping["not_intent"])
    assert {"risk_disclosure", "risk_uncertain", "opt_out"} <= set(
        DOMAIN["forms"]["contact_preferences_form"]["ignored_intents"])


def test_buttons_carry_plain_words_that_read_back_as_the_choice():
    questions = [f"utter_contact_prefs_ask_{topic}" for topic in ("channels", "window", "weekends", "ask_first")]
    for name in (*questions, "utter_contact_prefs_current"):
        topic = name.removeprefix("utter_contact_prefs_ask_") if "_ask_" in name else None
        for button in DOMAIN["responses"][name][0]["buttons"]:
            assert not button["payload"].startswith("/")
            assert read_choice(button["payload"], topic=topic).understood, (name, button)


@pytest.mark.parametrize("telegram_checked", [False, True])
async def test_choosing_a_channel_we_cannot_reach_them_on_yet_is_saved_and_explained(session, telegram_checked):
    victim_id = victim(session, stored=None)
    if telegram_checked:
        link_verified(session, channel="telegram", address="5150", victim_id=victim_id)
        session.commit()

    _events, messages = await run(ActionContactPreferences(), tracker("please only use telegram"))

    assert said(messages)[0].startswith("Saved. We may now message you on Telegram only")
    note = text_of("utter_contact_prefs_not_reachable_telegram")
    assert (note in said(messages)) is not telegram_checked
    assert stored(session, victim_id) == (preferences.Preferences(channels=("telegram",)), "victim")
