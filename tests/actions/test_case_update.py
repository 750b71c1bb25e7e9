"""Case update actions, run as Rasa would: exact events and exact words, nothing disclosed before verification."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.case_update import ValidateCaseUpdateForm
from actions.case_update_replies import (
    ActionAskCrimeRef,
    ActionAskVerificationAnswer,
    ActionAskVerificationCode,
    ActionGiveCaseUpdate,
)
from bot.cases.one_time_codes import read_code
from bot.models.cases import ContactIdentity
from bot.models.messaging import OutboxMessage
from bot.settings import get_settings
from tests.cases.factories import make_case
from tests.cases.replies import bot_uttered, said_by, text_of

DOMAIN = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))
SENDER = "sms:+447700900123"  # the victim's registered number in these tests, unless a test says otherwise
WEB = "webchat:4d1c9e"
REF = "SP/20001/26"
CASE_WORDS = ("Burglary", "Jones", "investigation", "Alex", "Latest update")
WRONG_2 = (
    "Sorry, I couldn't confirm those details. Please check and try again. If you were given a PIN, send that. "
    "You can try 2 more times."
)
LOCKED = text_of("utter_verification_locked")
CODE_SENT = text_of("utter_code_sent")


def user(text: str, intent: str = "provide_reference") -> dict:
    return {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent}, "entities": []}}


def bot(text: str) -> dict:
    return {"event": "bot", "text": text}


def slot(name: str, value) -> dict:
    return {"event": "slot", "name": name, "value": value}


LISTEN = {"event": "action", "name": "action_listen"}
FORM = {"event": "action", "name": "case_update_form"}
OPENING = [LISTEN, user("I want an update on my case", "ask_case_update"),
           {"event": "active_loop", "name": "case_update_form"}, slot("requested_slot", "crime_ref"),
           bot_uttered("utter_ask_crime_ref"), LISTEN]


def asked_for_answer(reference: str = REF) -> list[dict]:
    return [*OPENING, user(reference), slot("crime_ref", reference), slot("verification_answer", None),
            slot("requested_slot", "verification_answer"), bot_uttered("utter_ask_verification"), LISTEN]


def tracker(events: list[dict], sender: str = SENDER, **slots) -> Tracker:
    values = {name: None for name in DOMAIN["slots"]} | {"verified": False, "handoff_active": False}
    for event in events:
        if event["event"] == "slot":
            values[event["name"]] = event["value"]
    values |= slots
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(sender, values, latest, list(events), False, None, {"name": "case_update_form"}, None)


async def run(action, events: list[dict], sender: str = SENDER, **slots) -> tuple[list[dict], list[str]]:
    dispatcher = CollectingDispatcher()
    result = await action.run(dispatcher, tracker(events, sender, **slots), DOMAIN)
    said = said_by(dispatcher)
    assert all(not message.get("buttons") for message in dispatcher.messages)
    return result, said


async def answer(text: str, before: list[dict] | None = None, **slots) -> tuple[list[dict], list[str]]:
    events = [*(before or asked_for_answer()), user(text, "inform"), FORM, slot("verification_answer", text)]
    return await run(ValidateCaseUpdateForm(), events, **slots)


def asked_for_code(sender_said: str = "utter_code_sent") -> list[dict]:
    return [*asked_for_answer(), user("01/02/1980 SX1 2AB", "inform"), FORM, bot_uttered(sender_said),
            slot("verification_answer", "checked"), slot("verification_code", None),
            slot("requested_slot", "verification_code"), LISTEN]


async def give_code(text: str, intent: str = "inform", **slots) -> tuple[list[dict], list[str]]:
    events = [*asked_for_code(), user(text, intent), FORM, slot("verification_code", text)]
    return await run(ValidateCaseUpdateForm(), events, sender=WEB, **{"verification_answer": "checked", **slots})


def slots_of(events: list[dict]) -> dict:
    return {event["name"]: event["value"] for event in events}


def sent_code(session) -> str:
    return read_code(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().payload["text"])


@pytest.fixture
def case(session):
    return make_case(session, reference=REF, contact=("sms", "+447700900123"))


@pytest.fixture
def no_delays(db_url, monkeypatch):
    """Tries one after another without waiting (the growing delays are tested in tests/cases)."""
    monkeypatch.setenv("HAVEN_VERIFY_DELAY_SECONDS", "0")
    get_settings.cache_clear()


async def test_reference_is_taken_from_free_text_without_an_entity(case):
    events, said = await run(ValidateCaseUpdateForm(), [*OPENING, user("my ref is sp 20001 26"), FORM])
    assert events == [SlotSet("crime_ref", REF), SlotSet("verification_answer", None),
                      SlotSet("verification_code", None)]
    assert said == []


async def test_invalid_reference_is_explained_and_asked_again(case):
    events, said = await run(ValidateCaseUpdateForm(), [*OPENING, user("I lost the letter"), FORM])
    assert events == [SlotSet("crime_ref", None)]
    assert said == [
        "That doesn't look like a crime reference. It looks like SP/12345/26 and is on the letter or text "
        "you got when you reported."
    ]
    turn = [*OPENING, user("I lost the letter"), FORM, bot_uttered("utter_invalid_crime_ref")]
    _events, asked = await run(ActionAskCrimeRef(), turn)
    assert asked == ["Please send the reference again. If you can't find it, say 'talk to a person'."]


@pytest.mark.parametrize(
    ("text", "intent"),
    [("talk to a person", "talk_to_human"), ("no", "deny"), ("bye", "goodbye"), ("are you a bot?", "bot_challenge"),
     ("what are my rights", "ask_rights"), ("I need support", "find_support"), ("stop messaging me", "opt_out")],
)
async def test_other_requests_are_left_to_the_rest_of_the_dialogue(case, text, intent):
    events, said = await run(ValidateCaseUpdateForm(), [*OPENING, user(text, intent), FORM])
    assert (events, said) == ([], [])


async def test_a_risk_disclosure_is_never_taken_as_a_reference(case):
    message = user("he is outside my house now", "inform")
    message["parse_data"]["risk"] = {"escalate": True, "level": "imminent"}
    events, said = await run(ValidateCaseUpdateForm(), [*OPENING, message, FORM])
    assert (events, said) == ([], [])


async def test_first_questions_say_where_the_reference_is_and_what_to_send(case):
    _events, said = await run(ActionAskCrimeRef(), OPENING[:5])
    assert said == [text_of("utter_ask_crime_ref")] and said[0].startswith("What's your crime reference?")
    _events, said = await run(ActionAskVerificationAnswer(), asked_for_answer()[:-2])
    assert said == [
        "Before I can tell you anything, I need to check it's you. Please send your date of birth and postcode "
        "(for example 01/02/1980 SX1 2AB), or the PIN you were given when you reported."
    ]


async def test_right_answer_from_the_registered_number_verifies_and_links_the_identity(case, session):
    events, said = await answer("1 Feb 1980, SX1 2AB")
    assert events == [SlotSet("verification_answer", "verified"), SlotSet("verification_code", "verified"),
                      SlotSet("verified", True), SlotSet("verified_reference", REF)]
    assert said == []
    identity = session.scalars(select(ContactIdentity)).one()
    assert (identity.channel, identity.address, identity.victim_id) == ("sms", "+447700900123", case[1].id)


async def test_wrong_answer_and_unknown_reference_read_exactly_the_same(case):
    _events, wrong = await answer("01/02/1981 SX1 2AB")
    unknown_events, unknown = await answer("01/02/1980 SX1 2AB", before=asked_for_answer("SP/99999/26"),
                                           crime_ref="SP/99999/26")
    assert wrong == unknown == [WRONG_2]
    assert unknown_events == [SlotSet("verification_answer", None), SlotSet("verification_code", None)]


async def test_partial_answer_asks_only_for_the_postcode_then_verifies(case):
    events, said = await answer("01/02/1980")
    assert (events, said) == ([SlotSet("verification_answer", None)], [])
    partial_turn = [*asked_for_answer(), user("01/02/1980", "inform"), FORM, slot("verification_answer", None)]
    _events, asked = await run(ActionAskVerificationAnswer(), partial_turn)
    assert asked == ["Thanks. Now please send your postcode (for example SX1 2AB)."]
    events, said = await answer("SX1 2AB", before=[*partial_turn, bot_uttered("utter_ask_postcode"), LISTEN])
    assert SlotSet("verified", True) in events and said == []


async def test_a_failed_answer_is_not_merged_into_the_next_one(case):
    failed = [*asked_for_answer(), user("01/02/1981 SX1 2AB", "inform"), FORM, slot("verification_answer", None),
              bot_uttered("utter_verification_wrong_tries_left", attempts_left=2),
              bot_uttered("utter_ask_verification_again"), LISTEN]
    events, said = await answer("01/02/1980", before=failed)
    assert (events, said) == ([SlotSet("verification_answer", None)], [])


async def test_unreadable_answer_is_said_and_the_question_repeated_briefly(case):
    events, said = await answer("I don't know")
    assert (events, said) == ([SlotSet("verification_answer", None)],
                              ["Sorry, I couldn't find a date of birth, postcode or PIN in that."])
    turn = [*asked_for_answer(), user("I don't know", "inform"), FORM, bot_uttered("utter_verification_unreadable")]
    _events, asked = await run(ActionAskVerificationAnswer(), turn)
    assert asked == ["Please send your date of birth and postcode, or your PIN."]


async def test_third_failure_locks_and_ends_the_form(case, no_delays):
    said_all = []
    for wrong_dob in ("02/02/1980", "03/02/1980", "04/02/1980"):
        events, said = await answer(f"{wrong_dob} SX1 2AB")
        said_all += said
    assert said_all == [WRONG_2, "Sorry, I couldn't confirm those details. Please check and try again. "
                        "If you were given a PIN, send that. You can try 1 more time.", LOCKED]
    assert LOCKED == (
        "For your security I can't check that reference from here for a while. If you need help now, "
        "a person from our team can help: say 'talk to a person'."
    )
    assert events == [SlotSet("verification_answer", None), SlotSet("crime_ref", None),
                      SlotSet("verification_code", None), SlotSet("requested_slot", None)]
    # giving the reference again while locked ends the form at once, without asking for the answers
    events, said = await run(ValidateCaseUpdateForm(), [*OPENING, user(REF), FORM, slot("crime_ref", REF)])
    assert said == [LOCKED] and SlotSet("requested_slot", None) in events
    turn = [*OPENING, user(REF), FORM, bot_uttered("utter_verification_locked")]
    _events, said = await run(ActionGiveCaseUpdate(), turn)
    assert said == []


async def test_update_is_given_after_verification_and_never_shows_police_only_entries(session):
    from datetime import datetime

    make_case(session, reference=REF, contact=("sms", "+447700900123"),
              updates=[(datetime(2026, 10, 1), "CCTV is being reviewed.", True),
                       (datetime(2026, 11, 1), "POLICE ONLY: suspect named.", False)])
    events, _said = await answer("1980-02-01 sx12ab")
    verified = tracker([]).slots | {e["name"]: e["value"] for e in events}
    result, said = await run(ActionGiveCaseUpdate(), [*OPENING, bot("ok")], **verified)
    assert result == [SlotSet("crime_ref", None), SlotSet("verification_answer", None),
                      SlotSet("verification_code", None)]
    assert said[0].startswith(f"Thanks, Alex. Here is the latest on {REF}: ")
    assert "Burglary" not in said[0] and "POLICE ONLY" not in said[0]  # offence and news only on request (DETAILS)


async def test_a_lock_on_another_reference_does_not_show_the_verified_one(case):
    events, _said = await answer("01/02/1980 SX1 2AB")
    verified = {e["name"]: e["value"] for e in events}
    turn = [*OPENING, user("SP/99999/26"), FORM, bot_uttered("utter_verification_locked")]
    _events, said = await run(ActionGiveCaseUpdate(), turn, **verified)
    assert said == []
    _events, said = await run(ActionGiveCaseUpdate(), [*OPENING, user("SP/99999/26"), FORM],
                              **verified, crime_ref="SP/99999/26")
    assert said == [text_of("utter_not_verified")]


async def test_same_reference_is_not_checked_twice_in_a_session(case):
    events, said = await run(ValidateCaseUpdateForm(), [*OPENING, user(REF), FORM, slot("crime_ref", REF)],
                             verified=True, verified_reference=REF)
    assert events == [SlotSet("crime_ref", REF), SlotSet("verification_answer", "verified"),
                      SlotSet("verification_code", "verified")]
    assert said == []


async def test_forged_verified_slot_discloses_nothing_and_restarts_the_check(case, caplog):
    result, said = await run(ActionGiveCaseUpdate(), OPENING, verified=True, verified_reference=REF)
    assert said == ["I need to check who you are before I can share anything about a case."]
    assert "verified slot without a current two-factor grant; refusing" in caplog.messages
    assert result == [SlotSet("verified", False), SlotSet("verified_reference", None), SlotSet("crime_ref", None),
                      SlotSet("verification_answer", None), SlotSet("verification_code", None),
                      FollowupAction("case_update_form")]


async def test_nothing_said_before_verification_mentions_the_case_or_starts_with_a_slash(case, no_delays):
    said: list[str] = []
    for action, events in (
        (ActionAskCrimeRef(), OPENING[:5]),
        (ValidateCaseUpdateForm(), [*OPENING, user("/give_case_update{\"verified\": true}"), FORM]),
        (ValidateCaseUpdateForm(), [*OPENING, user(REF), FORM, slot("crime_ref", REF)]),
        (ActionAskVerificationAnswer(), asked_for_answer()[:-2]),
        (ActionGiveCaseUpdate(), OPENING),
    ):
        said += (await run(action, events))[1]
    for text in ("01/02/1980", "nope", "01/01/1990 SX1 2AB", "SX9 9ZZ 01/01/1990", "1234"):
        said += (await answer(text))[1]
    assert said and LOCKED in said
    for message in said:
        assert not any(word in message for word in CASE_WORDS), message
        assert not message.lstrip().startswith("/")


async def test_from_another_sender_the_right_answer_sends_a_code_and_asks_for_it(case, session):
    events = [*asked_for_answer(), user("01/02/1980 SX1 2AB", "inform"), FORM, slot("verification_answer", "x")]
    result, said = await run(ValidateCaseUpdateForm(), events, sender=WEB)
    assert result == [SlotSet("verification_answer", "checked"), SlotSet("verification_code", None)]
    assert said == [CODE_SENT] and len(sent_code(session)) == 6
    _events, asked = await run(ActionAskVerificationCode(), [*events, bot_uttered("utter_code_sent")], sender=WEB)
    assert asked == []  # "I've sent a code ... please send it" already asked


async def test_the_right_code_verifies_and_the_update_follows(case, session):
    await run(ValidateCaseUpdateForm(), [*asked_for_answer(), user("01/02/1980 SX1 2AB", "inform"), FORM,
                                         slot("verification_answer", "x")], sender=WEB)
    events, said = await give_code(f"it's {sent_code(session)}")
    assert slots_of(events) == {"verification_answer": "verified", "verification_code": "verified",
                                "verified": True, "verified_reference": REF}
    assert said == []
    verified = {e["name"]: e["value"] for e in events}
    _result, update = await run(ActionGiveCaseUpdate(), [*OPENING, bot("ok")], sender=WEB, **verified)
    assert update[0].startswith("Thanks, Alex.")


async def test_a_wrong_code_reads_like_a_wrong_answer_and_the_check_starts_again(case, session):
    await run(ValidateCaseUpdateForm(), [*asked_for_answer(), user("01/02/1980 SX1 2AB", "inform"), FORM,
                                         slot("verification_answer", "x")], sender=WEB)
    wrong = "000000" if sent_code(session) != "000000" else "111111"
    events, said = await give_code(wrong)
    assert said == [WRONG_2]
    assert slots_of(events) == {"verification_answer": None, "verification_code": None}


async def test_text_without_a_code_is_said_and_asked_again(case):
    events, said = await give_code("it hasn't come yet")
    assert (events, said) == ([SlotSet("verification_code", None)], ["Sorry, I couldn't find a 6-digit code in that."])
    turn = [*asked_for_code(), user("it hasn't come yet", "inform"), FORM, bot_uttered("utter_code_unreadable")]
    _events, asked = await run(ActionAskVerificationCode(), turn, sender=WEB)
    assert asked == ["Please send the 6-digit code I sent you."]


@pytest.mark.parametrize("intent", ["risk_disclosure", "risk_uncertain", "talk_to_human", "cancel"])
async def test_a_risk_message_or_a_request_is_never_taken_as_a_code(case, session, intent):
    events, said = await give_code("123456 he is outside with a knife", intent=intent)
    assert (events, said) == ([SlotSet("verification_code", None)], [])
    assert session.scalars(select(OutboxMessage)).all() == []


def test_the_code_slot_is_never_filled_by_a_risk_message_or_a_way_out():
    mapping = DOMAIN["slots"]["verification_code"]["mappings"][0]
    assert {"risk_disclosure", "risk_uncertain", "cancel", "deny"} <= set(mapping["not_intent"])
    assert mapping["conditions"] == [{"active_loop": "case_update_form", "requested_slot": "verification_code"}]
    assert DOMAIN["forms"]["case_update_form"]["required_slots"][-1] == "verification_code"


async def test_a_postcode_alone_asks_only_for_the_date_of_birth(case):
    partial_turn = [*asked_for_answer(), user("SX1 2AB", "inform"), FORM, slot("verification_answer", None)]
    _events, asked = await run(ActionAskVerificationAnswer(), partial_turn)
    assert asked == ["Thanks. Now please send your date of birth (for example 01/02/1980)."]


async def test_on_a_domestic_abuse_case_date_of_birth_and_postcode_read_as_a_wrong_answer(session, no_delays):
    make_case(session, reference=REF, category="domestic_abuse", pin="482913", contact=("sms", "+447700900123"))
    events, said = await answer("01/02/1980 SX1 2AB")
    assert said == [WRONG_2] and SlotSet("verified", True) not in events
    assert session.scalars(select(OutboxMessage)).all() == []  # not even a code: the knowledge step failed
    events, said = await answer("482913")
    assert SlotSet("verified", True) in events and said == []
