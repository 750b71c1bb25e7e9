"""Haven's tracker store on a real database: answers never stored, events encrypted, everything still reads back."""

from __future__ import annotations

import json
import time

from cryptography.fernet import Fernet
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from sqlalchemy import text

from bot.cases.conversation import answer_so_far
from bot.console.transcript import transcript_entries
from bot.handoff.escalation_events import EVENTS, escalations
from bot.privacy.encryption import decrypt_data
from bot.privacy.redaction import REDACTED_TEXT
from tests.privacy.conftest import REFERENCE, answered, asked_for_verification, raw_rows, said, save_turn

SENDER = "sms:+447700900111"


def without_times(stored: str) -> str:
    """A stored row decrypted, without the timestamp (whose digits could match an answer by chance)."""
    data = json.loads(decrypt_data(stored))
    return json.dumps({key: value for key, value in data.items() if key != "timestamp"})
DOB_FORMS = ("23/07/1992", "1992-07-23")  # not the example the prompts give
POSTCODE_FORMS = ("SX16 4DN", "SX164DN")


async def test_a_verification_answer_never_reaches_the_database_and_the_console_shows_a_marker(store, engine):
    await save_turn(store, SENDER, asked_for_verification())
    await save_turn(store, SENDER, answered("482913", verified=True))
    rows = raw_rows(engine)
    assert rows and not any("482913" in row for row in rows)
    assert not any("482913" in without_times(row) for row in rows)  # redacted, not only encrypted

    tracker = await store.retrieve_full_tracker(SENDER)
    entries = transcript_entries(list(tracker.events))
    assert [entry["text"] for entry in entries if entry["kind"] == "user"] == [
        f"any news on my case {REFERENCE}?",
        REDACTED_TEXT,
    ]
    assert tracker.get_slot("verified") is True and tracker.get_slot("verification_answer") == "verified"


async def test_message_text_and_slot_values_are_encrypted_at_rest(store, engine):
    await save_turn(store, SENDER, asked_for_verification())
    rows = raw_rows(engine)
    assert not any(REFERENCE in row or "case" in row for row in rows)
    assert not any(row.lstrip().startswith("{") for row in rows)
    assert REFERENCE in "".join(decrypt_data(row) for row in rows)


async def test_rasa_gets_every_event_back_as_it_was_saved(store):
    saved = await save_turn(store, SENDER, asked_for_verification())
    again = await store.retrieve(SENDER)
    assert [event.as_dict() for event in again.events] == [event.as_dict() for event in saved.events]


async def test_a_split_answer_verifies_across_turns_and_leaves_no_part_behind(store, engine):
    await save_turn(store, SENDER, asked_for_verification())
    await save_turn(store, SENDER, answered("23/07/1992", verified=False))
    assert not any(form in row for row in raw_rows(engine) for form in DOB_FORMS)

    next_turn = await store.retrieve(SENDER)  # what Rasa sends the action server with the next message
    next_turn.update(said("SX16 4DN"))
    answer = answer_so_far([event.as_dict() for event in next_turn.events])
    assert (answer.dob.isoformat(), answer.postcode) == ("1992-07-23", "SX164DN")

    full = await store.retrieve_full_tracker(SENDER)  # the console's view never holds the pending part
    assert not any(form in json.dumps(event.as_dict()) for event in full.events for form in DOB_FORMS)

    await save_turn(store, SENDER, [said("SX16 4DN"), SlotSet("verification_answer", "SX16 4DN"), ActionExecuted("x")])
    plain = "".join(without_times(row) for row in raw_rows(engine))
    assert not any(form in plain for form in (*DOB_FORMS, *POSTCODE_FORMS))


async def test_escalations_are_still_found_in_encrypted_events(store, session):
    risk = {"escalate": True, "level": "imminent", "category": "domestic_abuse", "matched": ["threat"]}
    message = UserUttered("he's here", parse_data={"intent": {"name": "risk_disclosure"}, "risk": risk})
    await save_turn(store, SENDER, [ActionExecuted("action_listen"), message])
    found = escalations(session, [EVENTS.c.timestamp >= time.time() - 60])
    assert [(sender, risk["level"]) for sender, _at, risk in found] == [(SENDER, "imminent")]


async def test_a_row_no_key_opens_does_not_hide_the_other_escalations(store, session, engine, caplog):
    foreign = Fernet(Fernet.generate_key()).encrypt(b'{"event": "user"}').decode()
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                 "VALUES ('sms:+447700900999', 'user', :at, 'risk_disclosure', :data)"),
            {"at": time.time(), "data": foreign},
        )  # fmt: skip
    await test_escalations_are_still_found_in_encrypted_events(store, session)
    assert "could not be decrypted" in caplog.text
