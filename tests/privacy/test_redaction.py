"""Which messages are verification answers, and what of them is stored: nothing of the answer, all of the rest."""

from __future__ import annotations

import json
import logging

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet

from bot.privacy.log_scrub import install_log_scrubbing
from bot.privacy.redaction import (
    PENDING_KEY,
    REDACTED_KEY,
    REDACTED_TEXT,
    SECRET_SLOTS,
    SLOT_MARKERS,
    mask_answer_tokens,
)
from bot.privacy.secret_answers import restore_pending, secret_answers, stored_events
from tests.cases.replies import bot_uttered
from tests.privacy.conftest import FORM, LISTEN, answered, asked_for_verification, said


def stored_text(stored: list[dict]) -> str:
    """Everything stored but the timestamps (whose digits could match a code by chance)."""
    return json.dumps([{key: value for key, value in item.items() if key != "timestamp"} for item in stored])


def test_an_answer_is_stored_without_its_text_anywhere():
    events = [*asked_for_verification(), *answered("482913", verified=True)]
    stored = stored_events(events, 0)
    assert "482913" not in stored_text(stored)
    answer = stored[len(asked_for_verification())]
    assert answer["text"] == REDACTED_TEXT and answer["parse_data"]["text"] == REDACTED_TEXT
    assert answer["parse_data"]["entities"] == [] and "typed_text" not in answer["metadata"]
    assert answer["metadata"][REDACTED_KEY] == "verification_answer"
    assert answer["parse_data"]["intent"]["name"] == "inform"  # what Rasa needs to read the turn stays


def test_status_markers_and_everything_else_said_are_kept():
    stored = stored_events([*asked_for_verification(), *answered("482913", verified=True)], 0)
    slots = [(item["name"], item["value"]) for item in stored if item["event"] == "slot"]
    assert ("verification_answer", None) in slots and ("verification_answer", "verified") in slots
    assert ("crime_ref", "SP/10002/26") in slots
    assert stored[1]["text"] == "any news on my case SP/10002/26?"
    assert any(item.get("text") == "SP/10002/26: Status: reported" for item in stored)


def test_a_slot_another_form_filled_from_the_answer_is_not_stored_either():
    turn = answered("SX16 4DN", verified=False)
    turn[2:2] = [SlotSet("area", "SX16 4DN"), SlotSet("crime_ref", "SP/10002/26")]
    stored = stored_events([*asked_for_verification(), *turn], len(asked_for_verification()))
    slots = {(item["name"], item["value"]) for item in stored if item["event"] == "slot"}
    assert ("area", None) in slots and ("crime_ref", "SP/10002/26") in slots
    assert "4DN" not in json.dumps([item for item in stored if item["event"] == "slot"])


def test_the_tracker_itself_keeps_the_answer_for_the_turn_in_progress():
    events = [*asked_for_verification(), *answered("482913", verified=True)]
    stored_events(events, 0)
    assert events[len(asked_for_verification())].text == "482913"


def test_a_risk_message_instead_of_the_answer_keeps_its_words_and_masks_any_code():
    disclosure = said("he's outside and says he'll kill me, my pin is 482913", "risk_disclosure")
    events = [*asked_for_verification(), disclosure, ActionExecuted("action_escalate")]
    stored = stored_events(events, 0)[len(asked_for_verification())]
    assert "he'll kill me" in stored["text"] and "482913" not in stored_text([stored])
    assert REDACTED_KEY not in stored["metadata"]


def test_a_message_outside_the_verification_question_is_untouched():
    events = [ActionExecuted(LISTEN), said("my postcode is SX1 2AB, where can I get support?", "find_support")]
    assert stored_events(events, 0)[1]["text"] == "my postcode is SX1 2AB, where can I get support?"


def test_a_one_time_code_is_as_secret_as_the_answer():
    events = [
        ActionExecuted(LISTEN),
        said("SP/10002/26"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        SlotSet("requested_slot", "verification_code"),
        BotUttered("Please send the code we texted you."),
        ActionExecuted(LISTEN),
        said("731 902"),
        SlotSet("verification_code", "731902"),
    ]
    blob = stored_text(stored_events(events, 0))
    assert "731" not in blob and "902" not in blob
    assert secret_answers(events)[7].slot == "verification_code"


def test_only_new_events_are_returned():
    events = [*asked_for_verification(), *answered("482913", verified=True)]
    first_new = len(asked_for_verification())
    assert len(stored_events(events, first_new)) == len(events) - first_new


def test_a_partial_answer_is_kept_for_the_next_turn_only_in_parsed_form():
    events = [*asked_for_verification(), *answered("01/02/1980", verified=False)]
    answer = stored_events(events, 0)[len(asked_for_verification())]
    assert answer["text"] == REDACTED_TEXT and answer["metadata"][PENDING_KEY] == "1980-02-01"
    restored = restore_pending([bot_uttered("utter_ask_verification"), answer])
    assert restored[1]["text"] == "1980-02-01" and restored[1]["metadata"][PENDING_KEY] is True


def test_a_complete_or_unasked_answer_keeps_nothing_pending():
    complete = stored_events([*asked_for_verification(), *answered("482913", verified=True)], 0)
    assert not any(PENDING_KEY in (item.get("metadata") or {}) for item in complete)


@pytest.mark.parametrize(
    "typed",
    [
        "01/02/1980", "1.2.80", "1980-02-01", "1st Feb 1980", "February 1, 1980", "SX1 2AB", "sx12ab", "482913",
        "7315", "731 902", "731-902",
    ],
)
def test_every_form_of_an_answer_is_masked(typed):
    assert mask_answer_tokens(f"it is {typed} ok") == f"it is {REDACTED_TEXT} ok"


def test_a_crime_reference_is_not_mistaken_for_a_code():
    assert mask_answer_tokens("my case SP/10001/26") == "my case SP/10001/26"


@pytest.fixture
def scrubbing():
    previous = logging.getLogRecordFactory()
    install_log_scrubbing()
    install_log_scrubbing()  # idempotent
    yield
    logging.setLogRecordFactory(previous)


def test_debug_logs_never_show_an_answer(scrubbing, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("rasa.core.processor").debug("Received user message '%s'", "01/02/1980 SX1 2AB")
    logging.getLogger("bot.test").info("Rasa server is up on port %s", 5005)
    debug, info = caplog.records[-2:]
    assert "1980" not in debug.getMessage() and "SX1" not in debug.getMessage()
    assert REDACTED_TEXT in debug.getMessage()
    assert info.getMessage() == "Rasa server is up on port 5005"


def test_every_secret_step_of_the_case_update_form_is_redacted(domain):
    steps = set(domain.required_slots_for_form("case_update_form")) - {"crime_ref"}
    assert steps and steps <= SECRET_SLOTS


def test_the_markers_the_form_keeps_between_turns_are_not_taken_for_secrets():
    from actions import case_update

    markers = {value for name, value in vars(case_update).items() if name.endswith("_MARK")}
    assert markers and markers <= SLOT_MARKERS
