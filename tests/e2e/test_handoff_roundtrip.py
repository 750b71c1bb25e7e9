"""End to end: a risk message reaches the console queue; staff claim, reply, and hand back to the bot.

The hand-off row alone decides whether the bot speaks: session expiry, /restart and a down action server
change nothing while it is open, and closing it gives the conversation back at once.
"""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import text

from bot.db import build_engine
from bot.privacy.encryption import decrypt_event, encrypt_event
from bot.privacy.keys import keyring_for

pytestmark = pytest.mark.slow
POLLS = 80  # queue look-ups a quarter of a second apart


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def queue_entry(haven, headers, sender_id):
    status, body = haven.get_json("/console/api/queue", headers=headers)
    assert status == 200
    return next((item for item in body["items"] if item["sender_id"] == sender_id), None)


def entry_when(haven, headers, sender_id, condition):
    """The sender's queue entry once `condition(entry)` holds (polled a bounded number of times)."""
    for _ in range(POLLS):
        entry = queue_entry(haven, headers, sender_id)
        if entry is not None and condition(entry):
            return entry
        time.sleep(0.25)
    raise AssertionError(f"{sender_id}: the queue entry never matched; last {entry}")


def expire_session(haven, sender_id: str) -> None:
    """Move the conversation's events two hours back (the column and the time inside each encrypted event, which is
    what Rasa reads), so its 60-minute session has expired at the next message."""
    keys = tuple(key for key in haven.env.get("HAVEN_DATA_KEYS", "").split(",") if key)
    keyring = keyring_for(keys, database_url=haven.env["DATABASE_URL"], development=True)
    engine = build_engine(haven.env["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            rows = connection.execute(text("SELECT id, data FROM events WHERE sender_id = :s"), {"s": sender_id}).all()
            for event_id, data in rows:
                event = decrypt_event(data, keyring)
                event["timestamp"] = float(event["timestamp"]) - 7200
                connection.execute(
                    text("UPDATE events SET timestamp = :at, data = :data WHERE id = :id"),
                    {"at": event["timestamp"], "data": encrypt_event(event, keyring), "id": event_id},
                )
    finally:
        engine.dispose()


def session_starts(haven, sender_id: str) -> int:
    """How many sessions the conversation has had."""
    engine = build_engine(haven.env["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            query = text("SELECT COUNT(*) FROM events WHERE sender_id = :s AND type_name = 'session_started'")
            return int(connection.execute(query, {"s": sender_id}).scalar_one())
    finally:
        engine.dispose()


def test_risk_message_gets_safety_advice_and_a_person(haven, console_headers, callbacks):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    advice = texts(haven.say(sender, "he's outside my door with a knife and says he'll kill me"))
    assert "999" in advice
    entry = queue_entry(haven, console_headers, f"rest:{sender}")
    assert entry is not None and entry["level"] == "imminent"
    assert entry["status"] == "waiting"

    assert haven.say(sender, "please hurry") == []  # paused: the bot stays silent, the console gets it

    status, _ = haven.post_json(  # the token says who acts: naming anyone else is refused
        f"/console/api/conversations/{entry['id']}/claim", {"staff": "someone.else"}, headers=console_headers
    )
    assert status == 403
    status, _ = haven.post_json(f"/console/api/conversations/{entry['id']}/claim", {}, headers=console_headers)
    assert status == 200
    status, _ = haven.post_json(
        f"/console/api/conversations/{entry['id']}/reply",
        {"text": "I'm here. Are you somewhere safe?"},
        headers=console_headers,
    )
    assert status == 200
    delivered = callbacks.wait_for(lambda message: "somewhere safe" in str(message))
    assert f"rest:{sender}" in str(delivered) or sender in str(delivered)

    status, view = haven.get_json(f"/console/api/conversations/{entry['id']}", headers=console_headers)
    assert status == 200
    assert "please hurry" in str(view)

    status, _ = haven.post_json(
        f"/console/api/conversations/{entry['id']}/close",
        {"outcome": "emergency_services_called", "resolution": "handback"},
        headers=console_headers,
    )
    assert status == 200
    assert queue_entry(haven, console_headers, f"rest:{sender}") is None
    assert "Haven" in texts(haven.say(sender, "hello"))


def test_asking_for_a_person_queues_at_normal_priority(haven, console_headers):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "can I talk to a real person please")
    entry = queue_entry(haven, console_headers, f"rest:{sender}")
    assert entry is not None and entry["level"] == "normal"


def test_restart_does_not_unpause_a_waiting_conversation(haven, console_headers):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "I want to kill myself")
    assert haven.say(sender, "/restart") == []
    assert haven.say(sender, "restart") == []
    assert haven.say(sender, "hello") == []
    assert queue_entry(haven, console_headers, f"rest:{sender}") is not None


def test_closing_is_one_step_the_next_message_is_the_bots_whatever_happened_after_it(haven, console_headers):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "can I talk to a real person please")
    entry = queue_entry(haven, console_headers, f"rest:{sender}")
    engine = build_engine(haven.env["DATABASE_URL"])
    try:  # staff close it as the console's one transaction does, and nothing else ever runs (a crash after commit)
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE handoffs SET status = 'closed', outcome = 'advice_given', resolution = 'handback', "
                     "closed_at = CURRENT_TIMESTAMP WHERE id = :id"),
                {"id": entry["id"]},
            )  # fmt: skip
    finally:
        engine.dispose()
    assert "Haven" in texts(haven.say(sender, "hello"))


def test_console_api_refuses_without_the_token(haven):
    status, _ = haven.get_json("/console/api/queue")
    assert status == 401
    status, _ = haven.get_json("/console/api/queue", headers={"Authorization": "Bearer wrong"})
    assert status == 401


def test_risk_disclosed_while_waiting_raises_priority_and_sends_advice(haven, console_headers, callbacks):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "I'd like to speak to someone please")
    entry = queue_entry(haven, console_headers, f"rest:{sender}")
    assert entry is not None and entry["level"] == "normal"

    reply = texts(haven.say(sender, "he's broken in and has a knife, he's going to kill me"))
    assert "999" in reply and "55" in reply  # the advice, in the REST reply itself
    raised = entry_when(haven, console_headers, f"rest:{sender}", lambda item: item["level"] == "imminent")
    assert raised["id"] == entry["id"]
    assert haven.say(sender, "he's broken in and has a knife, he's going to kill me") == []  # no more urgent now


def test_a_risk_while_waiting_gets_advice_and_raises_priority_with_the_action_server_down(haven, console_headers):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "can I talk to a real person please")
    entry = queue_entry(haven, console_headers, f"rest:{sender}")
    assert entry is not None and entry["level"] == "normal"
    with haven.action_server_stopped():
        reply = texts(haven.say(sender, "he's broken in and has a knife, he's going to kill me"))
        assert "999" in reply and "press 55" in reply  # a domain response: Rasa sends it itself
        raised = entry_when(haven, console_headers, f"rest:{sender}", lambda item: item["level"] == "imminent")
        assert raised["id"] == entry["id"]
        assert haven.say(sender, "hello?") == []


def test_a_session_expiring_during_a_handoff_keeps_it_with_staff_until_they_hand_back(haven, console_headers):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    haven.say(sender, "can I talk to a real person please")
    entry = queue_entry(haven, console_headers, f"rest:{sender}")
    expire_session(haven, f"rest:{sender}")
    assert haven.say(sender, "hello") == []  # a new session: still waiting for a person, the bot stays quiet
    assert session_starts(haven, f"rest:{sender}") == 2
    advice = texts(haven.say(sender, "he's broken in and has a knife, he's going to kill me"))
    assert "999" in advice  # ...but a new risk still gets its advice
    assert entry_when(haven, console_headers, f"rest:{sender}", lambda item: item["level"] == "imminent")
    for action, body in (("claim", {}), ("close", {"outcome": "advice_given", "resolution": "handback"})):
        status, _ = haven.post_json(f"/console/api/conversations/{entry['id']}/{action}", body, headers=console_headers)
        assert status == 200, action
    assert "Haven" in texts(haven.say(sender, "hello"))  # the bot's again, never a paused orphan
