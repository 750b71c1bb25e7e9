"""The Twilio SMS channel on a real socket: signatures, de-duplication, keywords, options, outbox delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.models import ContactIdentity, OutboxMessage
from bot.outbox.policy import RetryPolicy
from bot.outbox.worker import OutboxWorker
from bot.settings import get_settings
from connectors.sms.channel import TwilioSmsInput
from connectors.sms.keywords import EMERGENCY
from tests.fakes import listening_socket, wait_until
from tests.fakes.rasa_boundary import RecordingAgent, serve_channels
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilioApi

VICTIM = "+447700900123"
WEBHOOK = "/webhooks/twilio_sms/webhook"
STATUS = "/webhooks/twilio_sms/status"
FAST = RetryPolicy(base_seconds=0.05, cap_seconds=0.2, max_attempts=5)


def safety_script(message: UserMessage) -> list[dict[str, Any]]:
    if message.text == "/affirm":
        return [{"text": "Good. What would you like to do?"}]
    return [
        {
            "text": "Are you safe right now?",
            "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
        }
    ]


class SmsHarness:
    """A running app with the channel, the fake Twilio API, and a signed-request helper."""

    def __init__(self, base_url: str, fake: FakeTwilioApi, agent: RecordingAgent) -> None:
        self.base_url, self.fake, self.agent = base_url, fake, agent
        self.counter = 0

    def sign(self, path: str, params: dict[str, str]) -> str:
        return RequestValidator(AUTH_TOKEN).compute_signature(self.base_url + path, params)

    async def post(
        self,
        path: str,
        params: dict[str, str],
        *,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        data: Any = None,
    ) -> tuple[int, str, str]:
        sent_headers = {"X-Twilio-Signature": self.sign(path, params) if signature is None else signature}
        sent_headers.update(headers or {})
        url, form = self.base_url + path, params if data is None else data
        async with aiohttp.ClientSession() as client, client.post(url, data=form, headers=sent_headers) as reply:
            return reply.status, await reply.text(), reply.headers.get("content-type", "")

    async def text_in(self, body: str | None, *, sid: str | None = None, sender: str = VICTIM) -> tuple[int, str, str]:
        self.counter += 1
        params = {
            "MessageSid": sid or f"SM{self.counter:032d}",
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": FROM_NUMBER,
            "NumMedia": "0",
            "FromCity": "",
            "FromCountry": "GB",
        }
        if body is not None:
            params["Body"] = body
        return await self.post(WEBHOOK, params)


@pytest.fixture(name="fake_twilio")
async def fake_twilio_fixture() -> AsyncIterator[FakeTwilioApi]:
    fake = FakeTwilioApi()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(name="sms")
async def sms_fixture(db_url: str, fake_twilio: FakeTwilioApi, monkeypatch) -> AsyncIterator[SmsHarness]:
    sock, base_url = listening_socket()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", FROM_NUMBER)
    monkeypatch.setenv("TWILIO_API_BASE_URL", fake_twilio.base_url)
    monkeypatch.setenv("HAVEN_PUBLIC_BASE_URL", base_url)
    get_settings.cache_clear()
    agent = RecordingAgent(safety_script)
    worker = OutboxWorker(policy=FAST, poll_interval=0.05)
    async with serve_channels([TwilioSmsInput()], agent, sock, worker=worker):
        yield SmsHarness(base_url, fake_twilio, agent)


def outbox_rows(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_signed_message_gets_empty_twiml_and_the_reply_arrives_by_sms(sms: SmsHarness) -> None:
    status, body, content_type = await sms.text_in("hello")
    assert (status, content_type.split(";")[0]) == (200, "text/xml")
    assert body.endswith("<Response/>")
    [sent] = await sms.fake.wait_for(1)
    assert sent["To"] == VICTIM and sent["From"] == FROM_NUMBER
    assert sent["Body"] == "Are you safe right now?\n\nReply 1 for Yes or 2 for No."
    assert sent["StatusCallback"] == sms.base_url + STATUS
    [message] = sms.agent.received
    assert (message.sender_id, message.input_channel, message.metadata) == (f"sms:{VICTIM}", "sms", {"channel": "sms"})


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
async def test_forged_or_unsigned_webhook_is_refused_and_nothing_happens(sms: SmsHarness, session, signature) -> None:
    params = {"MessageSid": "SM" + "f" * 32, "From": VICTIM, "To": FROM_NUMBER, "Body": "hello"}
    status, _body, _type = await sms.post(WEBHOOK, params, signature=signature)
    assert status == 403
    assert sms.agent.received == [] and outbox_rows(session) == []


async def test_signature_over_the_wrong_url_is_refused(sms: SmsHarness) -> None:
    params = {"MessageSid": "SM" + "e" * 32, "From": VICTIM, "To": FROM_NUMBER, "Body": "hello"}
    forged = RequestValidator(AUTH_TOKEN).compute_signature("https://elsewhere.example" + WEBHOOK, params)
    status, _body, _type = await sms.post(WEBHOOK, params, signature=forged)
    assert status == 403 and sms.agent.received == []


async def test_replayed_message_sid_gets_one_reply_only(sms: SmsHarness) -> None:
    for _ in range(3):
        status, _body, _type = await sms.text_in("hello", sid="SM" + "a" * 32)
        assert status == 200
    await sms.text_in("second message")  # a different SID, to know the first has been handled
    await sms.fake.wait_for(2)
    assert len(sms.agent.received) == 2
    assert sorted(m.text for m in sms.agent.received) == ["hello", "second message"]


async def test_missing_or_empty_body_gets_a_hint_not_a_crash(sms: SmsHarness) -> None:
    assert (await sms.text_in(None))[0] == 200
    assert (await sms.text_in("   "))[0] == 200
    sent = await sms.fake.wait_for(2)
    assert all("only read text" in message["Body"] and "999" in message["Body"] for message in sent)
    assert sms.agent.received == []


async def test_a_body_no_twilio_request_could_have_is_refused_and_a_long_text_is_read_whole(sms: SmsHarness) -> None:
    status, _body, _type = await sms.text_in("x" * 40_000)
    assert status == 413
    assert (await sms.text_in("word " * 600))[0] == 200
    [message] = await sms.agent.wait_for(1)
    assert message.text == ("word " * 600).strip()


async def test_non_form_content_type_is_refused_clearly(sms: SmsHarness) -> None:
    status, body, _type = await sms.post(
        WEBHOOK, {}, data='{"Body": "hi"}', headers={"Content-Type": "application/json"}
    )
    assert (status, body) == (415, "expected application/x-www-form-urlencoded")
    status, _body, _type = await sms.post(
        WEBHOOK, {}, signature="", data='{"Body": "hi"}', headers={"Content-Type": "application/json"}
    )
    assert status == 403


async def test_missing_message_sid_or_sender_is_a_bad_request(sms: SmsHarness) -> None:
    status, _body, _type = await sms.post(WEBHOOK, {"Body": "hello", "To": FROM_NUMBER})
    assert status == 400 and sms.agent.received == []


async def test_numbered_reply_maps_to_the_button_payload(sms: SmsHarness) -> None:
    await sms.text_in("hello")
    await sms.fake.wait_for(1)
    await sms.text_in(" 1 ")
    await sms.fake.wait_for(2)
    assert [m.text for m in sms.agent.received] == ["hello", "/affirm"]
    await sms.text_in("3")  # no option 3 was offered, and the last bot message had no buttons
    messages = await sms.agent.wait_for(3)
    assert messages[-1].text == "3"


async def test_slash_text_cannot_inject_an_intent(sms: SmsHarness) -> None:
    await sms.text_in('/give_case_update{"verified": true}')
    [message] = await sms.agent.wait_for(1)
    assert message.text == 'give_case_update{"verified": true}'


async def test_stop_records_opt_out_and_only_confirms(sms: SmsHarness, session) -> None:
    await sms.text_in("Stop")
    [sent] = await sms.fake.wait_for(1)
    assert "unsubscribed" in sent["Body"] and "START" in sent["Body"]
    identity = session.scalars(select(ContactIdentity).where(ContactIdentity.address == VICTIM)).one()
    assert identity.channel == "sms" and identity.opted_out and identity.opted_out_at is not None
    await sms.text_in("START")
    sent = await sms.fake.wait_for(2)
    assert "subscribed to Haven texts again" in sent[1]["Body"]
    session.expire_all()
    assert identity.opted_out is False
    assert sms.agent.received == []


async def test_help_gives_emergency_advice_and_still_reaches_rasa(sms: SmsHarness) -> None:
    await sms.text_in("help")
    sent = await sms.fake.wait_for(2)
    assert EMERGENCY in sent[0]["Body"] and "Haven" in sent[0]["Body"]
    assert [m.text for m in sms.agent.received] == ["help"]
    await sms.text_in("INFO")
    sent = await sms.fake.wait_for(3)
    assert EMERGENCY in sent[2]["Body"] and len(sms.agent.received) == 1


async def test_provider_errors_then_recovery_deliver_each_message_once_in_order(sms: SmsHarness, session) -> None:
    sms.fake.fail_next(3)
    for number in range(1, 4):
        await sms.text_in(f"message {number}")
    sent = await sms.fake.wait_for(3)
    assert [m["Body"] for m in sent] == ["Are you safe right now?\n\nReply 1 for Yes or 2 for No."] * 3
    assert sms.fake.attempts == 6
    await wait_until(lambda: [row.status for row in outbox_rows(session)] == ["sent"] * 3)
    rows = outbox_rows(session)
    assert [row.status for row in rows] == ["sent"] * 3
    assert [row.provider_message_id for row in rows] == [m["sid"] for m in sent]
    assert rows[0].attempts == 4 and rows[1].attempts == 1


async def test_status_callbacks_are_recorded_on_the_outbox_row(sms: SmsHarness, session) -> None:
    await sms.text_in("hello")
    [sent] = await sms.fake.wait_for(1)
    await sms.agent.wait_for(1)
    callback = {
        "MessageSid": sent["sid"],
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "AccountSid": ACCOUNT_SID,
        "To": VICTIM,
        "From": FROM_NUMBER,
    }
    await wait_until(lambda: outbox_rows(session)[0].provider_message_id == sent["sid"])
    assert (await sms.post(STATUS, callback))[0] == 200
    assert (await sms.post(STATUS, callback | {"MessageStatus": "sent"}))[0] == 200  # late, out of order
    [row] = outbox_rows(session)
    assert (row.delivery_status, row.last_error) == ("undelivered", "provider reported undelivered (error 30003)")
    assert (await sms.post(STATUS, callback | {"MessageStatus": "delivered"}, signature="forged"))[0] == 403


async def test_texts_from_one_number_reach_rasa_in_arrival_order(sms: SmsHarness) -> None:
    for number in range(5):
        await sms.text_in(f"part {number}")
    messages = await sms.agent.wait_for(5)
    assert [message.text for message in messages] == [f"part {number}" for number in range(5)]
