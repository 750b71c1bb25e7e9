"""End to end: with the action server down, a risk message still gets its advice, and the hand-off is recovered;
kill -9 of the Rasa server mid-escalation (before or after the hand-off row was written) or right after a hand-back
leaves one hand-off, or none, never a half, and the victim is told who helps next."""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot.console.alerts import open_alerts
from bot.db import build_engine, session_scope
from bot.handoff.queue import open_handoff
from tests.e2e.conftest import MODEL, ThreadedTwilio
from tests.e2e.sms_probe import inbox_status, settled_bodies, text_in, wait_for
from tests.e2e.stack import E2E_WORKER, HavenStack, start_stack
from tests.e2e.test_channels import post_sms
from tests.e2e.tokens import issue_token
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

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


@pytest.fixture(scope="module")
def crashing(tmp_path_factory) -> Iterator[tuple[HavenStack, ThreadedTwilio, dict]]:
    """A stack of its own (these tests kill its Rasa server), talking SMS to a local Twilio; console headers."""
    twilio = ThreadedTwilio()
    stack = start_stack(
        workdir=tmp_path_factory.mktemp("haven-handoff-crash"), model=MODEL,
        extra_env={
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": twilio.base_url, "HAVEN_INBOX_LEASE_SECONDS": "3", "HAVEN_INBOX_POLL_MS": "100",
            "HAVEN_HANDOFF_RECOVERY_SECONDS": "1",
        },
    )  # fmt: skip
    yield stack, twilio, {"Authorization": f"Bearer {issue_token(stack, E2E_WORKER)}"}
    stack.stop()
    twilio.close()


def open_handoffs_of(stack: HavenStack, sender_id: str) -> list[tuple[str, str | None]]:
    """(level, category) of the sender's open hand-offs, straight from the database."""
    engine = build_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            query = text("SELECT level, category FROM handoffs WHERE sender_id = :s AND status != 'closed'")
            return [tuple(row) for row in connection.execute(query, {"s": sender_id}).all()]
    finally:
        engine.dispose()


def inbox_id(stack: HavenStack, sid: str) -> int:
    """The stored id of the inbound message Twilio sent as `sid`."""
    engine = build_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT id FROM inbox WHERE provider_id = :s"), {"s": sid}).scalar_one()
    finally:
        engine.dispose()


def open_as_the_lost_action_did(stack: HavenStack, sender_id: str, message_sid: str) -> None:
    """Open the hand-off as action_escalate's first run did before the Rasa server died with its reply."""
    engine = build_engine(stack.env["DATABASE_URL"])
    try:
        with session_scope(engine) as session:
            open_handoff(session, sender_id=sender_id, channel="sms", reason="risk", level="high",
                         category="threat_to_life", opened_for=f"inbox-{inbox_id(stack, message_sid)}")  # fmt: skip
    finally:
        engine.dispose()


@pytest.mark.parametrize("the_action_opened_the_row", [False, True], ids=["before-the-row", "after-the-row"])
def test_kill_9_mid_escalation_gives_one_handoff_the_advice_once_and_who_helps_next(
    crashing, the_action_opened_the_row
):
    stack, twilio, _headers = crashing
    number, sid = ("+447700900613", "SMhr") if the_action_opened_the_row else ("+447700900611", "SMhc")
    assert text_in(stack, number, "hello", f"{sid}-1") == 200
    wait_for(lambda: inbox_status(stack, f"{sid}-1") == "handled", 90, "the greeting")
    greeting = settled_bodies(twilio, number, 1)
    action_server = stack.processes[0]
    action_server.send_signal(signal.SIGSTOP)  # action_escalate, called after the advice, now hangs
    try:
        assert text_in(stack, number, "he said he will kill me tonight", f"{sid}-2") == 200
        advice = twilio.messages_to(number, len(greeting) + 1, timeout=90)[len(greeting) :]
        assert advice and "Threats to kill or hurt you are a crime." in advice[0]["Body"]  # Rasa sent it itself
        stack.kill_rasa_server()
    finally:
        action_server.kill()  # the call it never answered dies with it: nothing of that turn runs late
        action_server.wait(timeout=20)
    if the_action_opened_the_row:  # the action had committed the hand-off; only its reply died with Rasa
        open_as_the_lost_action_did(stack, f"sms:{number}", f"{sid}-2")
    stack.start_action_server()
    stack.start_rasa_server()
    assert text_in(stack, number, "he said he will kill me tonight", f"{sid}-2") == 200  # Twilio's retry
    wait_for(lambda: inbox_status(stack, f"{sid}-2") == "handled", 90, "the re-driven risk turn")
    assert open_handoffs_of(stack, f"sms:{number}") == [("high", "threat_to_life")]  # one, whatever re-ran
    told = settled_bodies(twilio, number, len(greeting) + 2)[len(greeting) :]
    assert sum("Threats to kill or hurt you are a crime." in body for body in told) == 1  # the advice, once
    assert sum("our team" in body for body in told) == 1  # and who helps next, once
    assert text_in(stack, number, "are you there?", f"{sid}-3") == 200
    wait_for(lambda: inbox_status(stack, f"{sid}-3") == "handled", 60, "the waiting message")
    assert settled_bodies(twilio, number, len(greeting) + len(told)) == [*greeting, *told]  # the bot stays quiet


def test_kill_9_right_after_staff_hand_back_leaves_the_conversation_with_the_bot(crashing):
    stack, twilio, headers = crashing
    number = "+447700900612"
    assert text_in(stack, number, "can I talk to a real person please", "SMhb-1") == 200
    wait_for(lambda: inbox_status(stack, "SMhb-1") == "handled", 90, "the request for a person")
    before = settled_bodies(twilio, number, 2)
    wait_for(lambda: open_handoffs_of(stack, f"sms:{number}") != [], 30, "the hand-off row")
    status, body = stack.get_json("/console/api/queue", headers=headers)
    handoff_id = next(item["id"] for item in body["items"] if item["sender_id"] == f"sms:{number}")
    for action, payload in (("claim", {}), ("close", {"outcome": "advice_given", "resolution": "handback"})):
        status, _ = stack.post_json(f"/console/api/conversations/{handoff_id}/{action}", payload, headers=headers)
        assert status == 200, action
    stack.kill_rasa_server()  # nothing of the close may be left to do in Rasa
    stack.start_rasa_server()
    assert open_handoffs_of(stack, f"sms:{number}") == []
    assert text_in(stack, number, "hello", "SMhb-2") == 200
    wait_for(lambda: inbox_status(stack, "SMhb-2") == "handled", 90, "the first message after the restart")
    after = settled_bodies(twilio, number, len(before) + 2)[len(before) :]
    assert "handed you back to Haven" in after[0]  # the close's message, queued with it
    assert any("I'm Haven" in body for body in after[1:])  # the bot answers: never a paused orphan
