"""A nudge the provider could not deliver moves to the victim's next permitted channel, then to a staff task."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from twilio.request_validator import RequestValidator

from bot.cases.notifications import notification_text
from bot.db import session_scope
from bot.notify import queue_case_notifications
from bot.outbox.policy import RetryPolicy
from bot.outbox.senders import unregister_sender
from bot.outbox.worker import OutboxWorker
from bot.settings import get_settings
from connectors.sms.channel import TwilioSmsInput
from connectors.telegram.sender import register_telegram_sender
from tests.contact.factories import CHAT, NUMBER, REFERENCE, alerts, nudges, victim_with_an_update
from tests.fakes import listening_socket, wait_until
from tests.fakes.rasa_boundary import RecordingAgent, serve_channels
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilioApi

STATUS = "/webhooks/twilio_sms/status"
FAST = RetryPolicy(base_seconds=0.05, cap_seconds=0.2, max_attempts=3)


@dataclass
class Providers:
    """The running SMS channel (status callbacks included), the outbox worker, and both fake providers."""

    base_url: str
    twilio: FakeTwilioApi
    telegram: FakeTelegramApi

    async def status_callback(self, message_sid: str, status: str) -> int:
        """Twilio's signed delivery receipt for one message, posted to the real endpoint."""
        form = {"MessageSid": message_sid, "MessageStatus": status, "ErrorCode": "30003", "AccountSid": ACCOUNT_SID,
                "To": NUMBER, "From": FROM_NUMBER}
        signature = RequestValidator(AUTH_TOKEN).compute_signature(self.base_url + STATUS, form)
        async with aiohttp.ClientSession() as client, client.post(
            self.base_url + STATUS, data=form, headers={"X-Twilio-Signature": signature}
        ) as reply:
            return reply.status


@pytest.fixture(name="providers")
async def providers_fixture(db_url: str, monkeypatch) -> AsyncIterator[Providers]:
    twilio = FakeTwilioApi()
    await twilio.start()
    sock, base_url = listening_socket()
    with FakeTelegramApi() as telegram:
        for name, value in {
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": twilio.base_url, "HAVEN_PUBLIC_BASE_URL": base_url,
            "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url,
            "HAVEN_QUIET_HOURS": "off",  # the real clock runs here: timing has its own tests with a fixed clock
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        register_telegram_sender()
        worker = OutboxWorker(policy=FAST, poll_interval=0.05)
        try:
            async with serve_channels([TwilioSmsInput()], RecordingAgent(lambda message: []), sock, worker=worker):
                yield Providers(base_url, twilio, telegram)
        finally:
            unregister_sender("telegram")
            unregister_sender("sms")
            await twilio.stop()


def notification_round() -> int:
    with session_scope() as session:
        return queue_case_notifications(session)


async def sms_nudge_reported(providers: Providers, session, status: str) -> None:
    """The nudge goes by SMS, then Twilio calls back with `status`."""
    await asyncio.to_thread(notification_round)
    [sms] = await providers.twilio.wait_for(1)
    assert (sms["To"], sms["Body"]) == (NUMBER, notification_text("sms"))
    await wait_until(lambda: nudges(session)[0].provider_message_id == sms["sid"])
    assert await providers.status_callback(sms["sid"], status) == 200


async def test_an_undelivered_sms_nudge_is_sent_again_by_telegram(providers: Providers, session) -> None:
    victim_with_an_update(session, telegram=True)
    await sms_nudge_reported(providers, session, "undelivered")
    await asyncio.to_thread(notification_round)
    [sent] = await asyncio.to_thread(providers.telegram.wait_for, "sendMessage", 1, 10)
    assert (str(sent.params["chat_id"]), sent.params["text"]) == (CHAT, notification_text("telegram"))
    await wait_until(lambda: [nudge.status for nudge in nudges(session)] == ["sent", "sent"])
    await asyncio.to_thread(notification_round)
    assert (len(providers.twilio.received), alerts(session)) == (1, [])  # nothing repeated, no task for staff


async def test_when_every_channel_fails_staff_get_one_task_naming_only_the_case(providers: Providers, session) -> None:
    victim_with_an_update(session, telegram=True)
    providers.telegram.fail_next("sendMessage", error_code=403)  # the victim blocked the bot
    await sms_nudge_reported(providers, session, "failed")
    await asyncio.to_thread(notification_round)
    await asyncio.to_thread(providers.telegram.wait_for, "sendMessage", 1, 10)
    await wait_until(lambda: [nudge.status for nudge in nudges(session)] == ["sent", "failed"])
    for _ in range(2):
        await asyncio.to_thread(notification_round)
    task = {"case": REFERENCE, "reason": "delivery failed on every permitted channel"}
    assert alerts(session) == [("contact_failed", task)]
    assert len(providers.twilio.received) == 1 and len(providers.telegram.calls_to("sendMessage")) == 1
