"""End to end: a risk message reaches the console queue; staff claim, reply, and hand back to the bot."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.slow


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def queue_entry(haven, headers, sender_id):
    status, body = haven.get_json("/console/api/queue", headers=headers)
    assert status == 200
    return next((item for item in body["items"] if item["sender_id"] == sender_id), None)


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
    assert haven.say(sender, "hello") == []
    assert queue_entry(haven, console_headers, f"rest:{sender}") is not None


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

    reply = haven.say(sender, "he's broken in and has a knife, he's going to kill me")
    assert "999" in texts(reply)  # the advice comes back in the REST reply itself, and by callback
    raised = queue_entry(haven, console_headers, f"rest:{sender}")
    assert raised["level"] == "imminent" and raised["id"] == entry["id"]
    advice = callbacks.wait_for(
        lambda message: message.get("recipient_id") == f"rest:{sender}" and "999" in str(message)
    )
    assert "55" in advice["text"]
