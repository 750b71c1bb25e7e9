"""End to end: the learned risk model, the "are you safe?" check, leaving forms and advice while waiting."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.test_channels import post_sms

pytestmark = pytest.mark.slow
UNSURE = "i'm scared for my safety right now"  # the model is unsure (between watch and escalate)


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def new_sender() -> str:
    return f"victim-{uuid.uuid4().hex[:10]}"


def queued(haven, headers, sender_id):
    status, body = haven.get_json("/console/api/queue", headers=headers)
    assert status == 200
    return next((item for item in body["items"] if item["sender_id"] == sender_id), None)


@pytest.mark.parametrize("message", [
    "honestly whats the point anymore, i have the pills here",
    "he said next time he won't miss",
    "I've written letters to my family saying goodbye",
])
def test_a_message_the_patterns_missed_reaches_a_person(haven, console_headers, message):
    sender = new_sender()
    reply = texts(haven.say(sender, message))
    assert "999" in reply
    assert "Sorry" not in reply
    entry = queued(haven, console_headers, f"rest:{sender}")
    assert entry is not None and entry["status"] == "waiting"


def test_uncertain_message_asks_if_safe_and_no_escalates(haven, console_headers):
    sender = new_sender()
    reply = texts(haven.say(sender, UNSURE))
    assert "Are you safe right now?" in reply and "999" in reply and "PERSON" in reply
    assert queued(haven, console_headers, f"rest:{sender}") is None
    answer = texts(haven.say(sender, "no"))
    assert "999" in answer
    assert queued(haven, console_headers, f"rest:{sender}") is not None


def test_uncertain_message_then_safe_carries_on(haven, console_headers):
    sender = new_sender()
    assert "Are you safe right now?" in texts(haven.say(sender, UNSURE))
    answer = texts(haven.say(sender, "yes I'm safe"))
    assert "Thank you for telling me" in answer
    assert queued(haven, console_headers, f"rest:{sender}") is None


def test_the_identity_check_can_be_left(haven):
    sender = new_sender()
    assert "date of birth" in texts(haven.say(sender, "any news on my case SP/10001/26?"))
    reply = texts(haven.say(sender, "cancel"))
    assert "stopped that" in reply
    assert "date of birth" not in reply and "doesn't match" not in reply


def test_advice_while_waiting_arrives_in_the_rest_reply(haven, console_headers):
    sender = new_sender()
    assert "passed this to our team" in texts(haven.say(sender, "I need to talk to a person"))  # waiting, level normal
    reply = texts(haven.say(sender, "he's here now and he's got a knife"))
    assert "999" in reply  # the raised priority's advice comes back in this very reply


def test_sms_message_the_patterns_missed_gets_advice(haven, twilio):
    number = f"+447700{uuid.uuid4().int % 900000 + 100000}"
    assert post_sms(haven, number, "I bought rope today") == 200
    advice = twilio.messages_to(number, 1)[0]["Body"]
    assert "999" in advice and "116 123" in advice
