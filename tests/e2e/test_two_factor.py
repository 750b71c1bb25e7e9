"""End to end: who must never get a case update, over the real channels, and the two ways that do work.

Each test makes its own fictional case in the running stack's database (so failures here never lock a
sample case that other tests use), talks to Haven over REST, signed SMS webhooks, socket.io or the
action server itself, and reads one-time codes where a victim would: in the SMS the fake Twilio received.
"""

from __future__ import annotations

import json
import secrets
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta

import pytest
import yaml
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, update
from twilio.request_validator import RequestValidator

from bot.cases.one_time_codes import read_code
from bot.db import build_engine, session_factory
from bot.models.security import StaffAlert, VerificationAttempt
from bot.models.verification import VerificationCode
from tests.cases.factories import make_case
from tests.cases.replies import said_in_reply, text_of
from tests.e2e.stack import PROJECT_ROOT
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

pytestmark = pytest.mark.slow

PIN = "482913"
CASE_WORDS = ("Burglary", "DC Example Jones", "Latest update", "Alex", "Here is the latest")
WRONG_ANSWER = text_of("utter_verification_wrong")  # how every wrong-answer reply starts, whatever the tries left
LOCKED, WAIT, NOT_VERIFIED = (text_of(name) for name in ("utter_verification_locked", "utter_verification_wait",
                                                          "utter_not_verified"))
CODE_SENT, ACCESS_WARNING = text_of("utter_code_sent"), text_of("utter_contact_access_warning", "sms")


def texts_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def new_number() -> str:
    return f"+447700{secrets.randbelow(900000) + 100000}"


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def database(haven):
    """Sessions on the running stack's database."""
    engine = build_engine(haven.env["DATABASE_URL"])
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def case(database):
    """A fresh case (PIN and date of birth) with its own registered number; returns (reference, number)."""
    reference, number = f"SP/{secrets.randbelow(50000) + 40000}/26", new_number()
    with database() as session:
        make_case(session, reference=reference, pin=PIN, contact=("sms", number))
    return reference, number


def code_sent_to(twilio, number: str, count: int = 1) -> str:
    """The one-time code in the `count`-th SMS to `number` (waits for it, up to 20 s)."""
    messages = twilio.messages_to(number, count)
    assert len(messages) >= count, f"no code reached {number}"
    return read_code(messages[count - 1]["Body"])


def post_sms(haven, number: str, body: str) -> None:
    """Deliver an inbound SMS as Twilio does: a signed form POST."""
    url = f"{haven.base_url}/webhooks/twilio_sms/webhook"
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID, "From": number, "To": FROM_NUMBER,
              "Body": body, "NumMedia": "0"}
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, params)}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def earlier_failures(database, reference: str, count: int) -> None:
    """Failures by other senders a few minutes ago (past every delay), as if others had been guessing."""
    at = datetime.utcnow() - timedelta(minutes=5)
    with database() as session:
        for index in range(count):
            session.add(VerificationAttempt(reference=reference, sender_key=f"rest:earlier-{index}",
                                            succeeded=False, attempted_at=at - timedelta(minutes=index)))
        session.commit()


def assert_nothing_disclosed(said: str) -> None:
    assert not [word for word in CASE_WORDS if word in said], said


# --- rows of "never" -------------------------------------------------------------------------------------


def test_wrong_pin(haven, twilio, case):
    reference, number = case
    sender = new_sender()
    haven.say(sender, f"any news on {reference}")
    said = texts_of(haven.say(sender, "912345"))
    assert WRONG_ANSWER in said
    assert_nothing_disclosed(said)
    assert twilio.messages_to(number, 1, timeout=1.0) == []  # no code was sent


def test_right_pin_for_another_case(haven, twilio, database, case):
    reference, number = case
    other = f"SP/{secrets.randbelow(50000) + 40000}/25"
    with database() as session:
        make_case(session, reference=other, pin="735160", contact=("sms", new_number()))
    sender = new_sender()
    haven.say(sender, f"update on {reference} please")
    said = texts_of(haven.say(sender, "735160"))
    assert WRONG_ANSWER in said
    assert_nothing_disclosed(said)
    assert twilio.messages_to(number, 1, timeout=1.0) == []


def test_right_date_of_birth_with_the_wrong_postcode(haven, case):
    reference, _number = case
    sender = new_sender()
    haven.say(sender, f"whats happening with {reference}")
    said = texts_of(haven.say(sender, "01/02/1980 SX9 9ZZ"))
    assert WRONG_ANSWER in said
    assert_nothing_disclosed(said)


def test_the_right_answer_after_a_lock_and_staff_and_victim_are_told(haven, twilio, database, case):
    reference, number = case
    earlier_failures(database, reference, 2)
    guesser = new_sender()
    haven.say(guesser, f"any news on {reference}")
    assert LOCKED in texts_of(haven.say(guesser, "111222"))  # the third failure, from anyone, locks
    warning = twilio.messages_to(number, 1)
    assert [message["Body"] for message in warning] == [ACCESS_WARNING]
    with database() as session:
        alerts = session.scalars(select(StaffAlert).where(StaffAlert.kind == "verification_locked")).all()
    assert any(alert.detail["reference"] == reference for alert in alerts)
    # the victim's own number with the right PIN is refused until the lock ends or a supervisor clears it
    post_sms(haven, number, f"update on {reference}")
    post_sms(haven, number, PIN)
    replies = [message["Body"] for message in twilio.messages_to(number, 3)]
    assert any(body.startswith("For your security") for body in replies[1:])
    assert_nothing_disclosed("\n".join(replies))


def test_a_second_sender_right_after_someone_elses_failure(haven, case):
    reference, _number = case
    first, second = new_sender(), new_sender()
    haven.say(first, f"any news on {reference}")
    haven.say(first, "999888")
    haven.say(second, f"any news on {reference}")
    said = texts_of(haven.say(second, PIN))
    assert WAIT in said  # the reference's delay holds for everyone: the PIN was not even checked
    assert_nothing_disclosed(said)


def test_a_second_sender_who_knows_the_answer_only_sends_the_victim_a_code(haven, twilio, database, case):
    reference, number = case
    earlier_failures(database, reference, 1)
    ex_partner = new_sender()
    haven.say(ex_partner, f"any news on {reference}")
    said = texts_of(haven.say(ex_partner, "01/02/1980 SX1 2AB"))
    assert CODE_SENT in said
    said += texts_of(haven.say(ex_partner, "123456"))
    assert_nothing_disclosed(said)
    assert read_code(twilio.messages_to(number, 1)[0]["Body"])  # the code went to the victim's phone only


def test_a_forged_tracker_sent_straight_to_the_action_server(haven, case):
    reference, _number = case
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    slots = {"verified": True, "verified_reference": reference, "crime_ref": reference,
             "verification_answer": "verified", "verification_code": "verified"}
    sender = f"rest:{new_sender()}"
    call = {
        "next_action": "action_give_case_update",
        "sender_id": sender,
        "tracker": {"sender_id": sender, "slots": slots, "latest_message": {}, "events": [], "paused": False,
                    "followup_action": None, "active_loop": {}, "latest_action_name": None},
        "domain": domain,
        "version": "3.6.2",
    }
    request = urllib.request.Request(haven.action_url + "/webhook", data=json.dumps(call).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert said_in_reply(body) == [NOT_VERIFIED]
    assert {"event": "slot", "name": "verified", "value": False} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in body["events"]
    ]


def test_another_sender_cannot_reuse_a_verification(haven, twilio, case):
    reference, number = case
    victim, intruder = new_sender(), new_sender()
    haven.say(victim, f"any news on {reference}")
    haven.say(victim, PIN)
    code = code_sent_to(twilio, number)
    assert "Here is the latest" in texts_of(haven.say(victim, code))
    said = texts_of(haven.say(intruder, f"any news on {reference}"))
    said += texts_of(haven.say(intruder, code))  # the victim's used code, replayed
    assert "date of birth" in said
    assert_nothing_disclosed(said)


def test_a_replayed_web_session_id_starts_an_empty_session(haven, case):
    """A web chat id copied from somewhere (not the server-signed token) gets a new session, unverified."""
    import asyncio

    import socketio

    reference, _number = case

    async def converse(session_request: dict, lines: list[str]) -> tuple[str, list[str]]:
        client = socketio.AsyncClient(reconnection=False)
        tokens: list[str] = []
        said: list[str] = []
        confirmed, replied = asyncio.Event(), asyncio.Event()

        @client.on("session_confirm")
        async def _confirm(data):
            tokens.append(data)
            confirmed.set()

        @client.on("bot_uttered")
        async def _reply(data):
            said.append(data.get("text") or "")
            replied.set()

        await client.connect(haven.base_url, socketio_path="/socket.io", transports=["polling"],
                             headers={"Origin": haven.base_url})
        await client.emit("session_request", session_request)
        await asyncio.wait_for(confirmed.wait(), 20)
        for line in lines:
            replied.clear()
            await client.emit("user_uttered", {"message": line, "session_id": tokens[0]})
            await asyncio.wait_for(replied.wait(), 30)
        await client.disconnect()
        return tokens[0], said

    victim_token, _said = asyncio.run(converse({"session_id": None}, [f"any news on {reference}", PIN]))
    _signed, raw_id = URLSafeTimedSerializer("not the server's key").loads_unsafe(victim_token)  # as in a sender id
    assert isinstance(raw_id, str) and raw_id
    intruder_token, said = asyncio.run(converse({"session_id": raw_id}, [f"any news on {reference}"]))
    assert intruder_token != victim_token
    assert "date of birth" in "\n".join(said)
    assert_nothing_disclosed("\n".join(said))


def test_an_expired_code(haven, twilio, database, case):
    reference, number = case
    sender = new_sender()
    haven.say(sender, f"any news on {reference}")
    assert CODE_SENT in texts_of(haven.say(sender, PIN))
    code = code_sent_to(twilio, number)
    with database() as session:  # ten minutes pass
        session.execute(update(VerificationCode).where(VerificationCode.expires_at > datetime.utcnow())
                        .values(expires_at=datetime.utcnow() - timedelta(seconds=1)))
        session.commit()
    said = texts_of(haven.say(sender, code))
    assert WRONG_ANSWER in said  # reads exactly like a wrong answer
    assert_nothing_disclosed(said)


def test_a_code_for_another_case(haven, twilio, database, case):
    reference, _number = case
    other, other_number = f"SP/{secrets.randbelow(50000) + 40000}/24", new_number()
    with database() as session:
        make_case(session, reference=other, pin="735160", first_name="Sam", contact=("sms", other_number))
    sender = new_sender()
    haven.say(sender, f"any news on {other}")
    haven.say(sender, "735160")
    other_code = code_sent_to(twilio, other_number)
    haven.say(sender, "cancel")
    haven.say(sender, f"any news on {reference}")
    assert CODE_SENT in texts_of(haven.say(sender, PIN))
    said = texts_of(haven.say(sender, other_code))
    assert WRONG_ANSWER in said
    assert_nothing_disclosed(said)


# --- the ways that work ----------------------------------------------------------------------------------


def test_the_registered_number_with_the_pin_gets_the_update_by_sms(haven, twilio, case):
    reference, number = case
    post_sms(haven, number, f"any news on my case {reference}")
    assert "date of birth" in twilio.messages_to(number, 1)[0]["Body"]
    post_sms(haven, number, PIN)
    update_text = twilio.messages_to(number, 2)[1]["Body"]
    assert update_text.startswith(f"Thanks, Alex. Here is the latest on {reference}")


def test_rest_with_the_pin_and_the_code_from_the_registered_number_gets_the_update(haven, twilio, case):
    reference, number = case
    sender = new_sender()
    asked = texts_of(haven.say(sender, f"can I have an update on {reference}"))
    assert_nothing_disclosed(asked)
    assert texts_of(haven.say(sender, PIN)) == CODE_SENT
    update_text = texts_of(haven.say(sender, code_sent_to(twilio, number)))
    assert update_text.startswith(f"Thanks, Alex. Here is the latest on {reference}")

