"""End to end: with the action server down, a risk message still gets its advice, and the hand-off is recovered."""

from __future__ import annotations

import time
import uuid

import pytest

from bot.console.alerts import open_alerts
from bot.db import build_engine, session_scope
from tests.e2e.test_channels import post_sms

pytestmark = pytest.mark.slow
POLLS = 120  # queue look-ups a quarter of a second apart; the e2e stack's reconciler runs every second


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def queued(haven, headers, sender_id: str) -> dict:
    """The sender's queue entry, polled a bounded number of times."""
    for _ in range(POLLS):
        status, body = haven.get_json("/console/api/queue", headers=headers)
        assert status == 200
        entry = next((item for item in body["items"] if item["sender_id"] == sender_id), None)
        if entry is not None:
            return entry
        time.sleep(0.25)
    raise AssertionError(f"{sender_id} never reached the queue")


def alert_for(haven, handoff_id: int) -> dict | None:
    """The supervisors' open alert about this hand-off, as the console's queue page lists it."""
    engine = build_engine(haven.env["DATABASE_URL"])
    try:
        with session_scope(engine) as session:
            alerts = open_alerts(session, limit=500)
    finally:
        engine.dispose()
    return next((alert for alert in alerts if f"handoff: {handoff_id}," in alert["detail"]), None)


def test_rest_reply_has_the_advice_while_the_action_server_is_down_then_the_handoff_is_recovered(
    haven, console_headers, callbacks
):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    assert "Haven" in texts(haven.say(sender, "hello"))
    with haven.action_server_stopped():
        advice = texts(haven.say(sender, "he said he will kill me tonight"))
        assert "999" in advice and "press 55" in advice
        assert "Threats to kill or hurt you are a crime." in advice
        assert "Others may read this phone" not in advice  # that line is for SMS and Telegram

    entry = queued(haven, console_headers, f"rest:{sender}")
    assert (entry["reason"], entry["level"], entry["category"], entry["status"]) == (
        "risk", "high", "threat_to_life", "waiting",
    )  # fmt: skip
    alert = alert_for(haven, entry["id"])
    assert alert is not None and alert["kind"] == "escalation recovered"
    told = callbacks.wait_for(lambda message: message.get("recipient_id") == f"rest:{sender}")
    assert "our team" in told["text"]  # who helps next: the advice came in the reply
    assert haven.say(sender, "are you there?") == []  # paused for a person, as after any escalation


def test_sms_advice_warns_that_others_may_read_the_phone_while_the_action_server_is_down(
    haven, twilio, console_headers
):
    number = f"+447700{uuid.uuid4().int % 900000 + 100000}"
    assert post_sms(haven, number, "hello") == 200
    assert "Haven" in twilio.messages_to(number, 1)[0]["Body"]
    with haven.action_server_stopped():
        assert post_sms(haven, number, "my ex keeps following me and turning up at my work every day") == 200
        advice = twilio.messages_to(number, 2)[1]["Body"]
        assert "999" in advice and "National Stalking Helpline (weekdays): 0808 802 0300" in advice
        assert "Others may read this phone: delete our messages if safer." in advice

    entry = queued(haven, console_headers, f"sms:{number}")
    assert (entry["reason"], entry["category"]) == ("risk", "stalking")
    assert alert_for(haven, entry["id"]) is not None


def test_first_message_with_the_action_server_down_still_gets_the_advice_and_a_person(
    haven, console_headers, callbacks
):
    sender = f"victim-{uuid.uuid4().hex[:10]}"
    with haven.action_server_stopped():  # Haven's own action_session_start fails too, so Rasa stays silent...
        reply = texts(haven.say(sender, "he said he will kill me tonight"))
        entry = queued(haven, console_headers, f"rest:{sender}")  # ...and the reconciler steps in

    mine = lambda message: message.get("recipient_id") == f"rest:{sender}"  # noqa: E731
    advice = reply or callbacks.wait_for(lambda message: mine(message) and "999" in message.get("text", ""))["text"]
    assert "press 55" in advice and "Threats to kill or hurt you are a crime." in advice
    assert (entry["reason"], entry["category"]) == ("risk", "threat_to_life")
    assert alert_for(haven, entry["id"]) is not None
    assert callbacks.wait_for(lambda message: mine(message) and "our team" in message.get("text", ""))
