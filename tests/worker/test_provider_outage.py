"""Twilio or Telegram failing for a minute under a real worker process: nothing lost, nothing twice, order kept."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from itertools import pairwise

import pytest
from telegram.error import NetworkError, RetryAfter

from bot.db import session_scope
from bot.models.base import utcnow
from bot.outbox.claims import claim_due, mark_failed_attempt
from bot.outbox.outcomes import retry_after_of
from bot.outbox.policy import RetryPolicy
from bot.outbox.store import enqueue
from bot.outbox.worker import OutboxWorker
from bot.settings import get_settings
from tests.fakes import wait_until
from tests.fakes.telegram_api import FakeTelegramApi
from tests.worker.holding_twilio import HoldingTwilioApi, rows, sms_environment, statuses
from tests.worker_fixtures import worker_environment

OUTAGE_SECONDS = 60.0
# Short back-off, yet 10 attempts outlast the outage: 1+2+4+8+16+20*4 = 111 s (89 s with full jitter).
FAST_BACKOFF = {"HAVEN_OUTBOX_RETRY_BASE_SECONDS": "1", "HAVEN_OUTBOX_RETRY_CAP_SECONDS": "20"}
DRAIN_SECONDS = 40.0  # after the outage: at most one capped delay, or one retry_after, plus the sends
PER_RECIPIENT = 4


def queue_for(channel: str, recipients: list[str]) -> dict[str, list[str]]:
    """Queue PER_RECIPIENT texts to each recipient, interleaved as replies would be; the expected texts."""
    expected: dict[str, list[str]] = {recipient: [] for recipient in recipients}
    with session_scope() as session:
        for number in range(1, PER_RECIPIENT + 1):
            for recipient in recipients:
                text = f"{recipient[-2:]}-m{number}"
                enqueue(session, channel=channel, recipient=recipient, payload={"text": text})
                expected[recipient].append(text)
    return expected


def report(name: str, outage_ended: float) -> None:
    drained = time.monotonic() - outage_ended
    attempts = [attempts for _status, _text, attempts, _token in rows()]
    print(f"\n{name}: drained {drained:.1f} s after the outage; attempts per message {attempts}")


def test_the_retry_back_off_comes_from_the_settings(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAST_BACKOFF.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    policy = OutboxWorker.from_settings(get_settings()).policy
    assert (policy.base_seconds, policy.cap_seconds) == (1.0, 20.0)
    get_settings.cache_clear()


def test_a_provider_retry_after_longer_than_the_back_off_sets_the_next_attempt(db_url: str) -> None:
    assert retry_after_of(RetryAfter(20)) == 20.0
    assert retry_after_of(NetworkError("Internal Server Error")) is None
    with session_scope() as session:
        enqueue(session, channel="telegram", recipient="telegram:5099", payload={"text": "hello"})
    with session_scope() as session:
        [claim] = claim_due(session, channels=["telegram"])
    quick = RetryPolicy(base_seconds=1.0, cap_seconds=1.0, jitter=0.0)
    with session_scope() as session:
        assert mark_failed_attempt(session, claim, error="RetryAfter", policy=quick, not_before_seconds=20.0)
    with session_scope() as session:
        assert claim_due(session, channels=["telegram"], now=utcnow() + timedelta(seconds=19)) == []
        assert len(claim_due(session, channels=["telegram"], now=utcnow() + timedelta(seconds=21))) == 1


@pytest.mark.slow
async def test_twilio_answering_429_for_a_minute_loses_duplicates_and_reorders_nothing(
    db_url: str, twilio: HoldingTwilioApi, worker_processes
) -> None:
    numbers = ["+447700900411", "+447700900422", "+447700900433"]
    worker = await worker_processes(sms_environment(db_url, twilio, **FAST_BACKOFF)).ready()
    twilio.fail_for(OUTAGE_SECONDS, status=429)
    outage_ends = time.monotonic() + OUTAGE_SECONDS
    expected = queue_for("sms", numbers)

    await wait_until(lambda: twilio.refused >= 3 * 3, timeout=OUTAGE_SECONDS)  # every recipient retried
    assert twilio.received == []  # nothing got through during the outage
    await wait_until(lambda: statuses() == ["sent"] * 12, timeout=OUTAGE_SECONDS + DRAIN_SECONDS, interval=0.2)
    report("twilio 429", outage_ends)

    assert await worker.stop() == 0
    assert {number: twilio.bodies_to(number) for number in numbers} == expected
    assert len(twilio.received) == 12  # each message once
    first_messages = [attempts for _status, text, attempts, _token in rows() if text.endswith("-m1")]
    assert all(attempts >= 3 for attempts in first_messages)  # retried through the outage, never given up


@pytest.mark.slow
async def test_telegram_failing_then_rate_limiting_for_a_minute_keeps_order_and_honours_retry_after(
    db_url: str, worker_processes
) -> None:
    chats = ["telegram:5011", "telegram:5022", "telegram:5033"]
    retry_after = 25  # longer than any back-off delay (20 s cap), so only honouring it explains the gaps
    with FakeTelegramApi() as telegram:
        environment = worker_environment(
            db_url,
            TELEGRAM_BOT_TOKEN=telegram.token,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            HAVEN_WORKER_CHANNELS="telegram",
            **FAST_BACKOFF,
        )
        worker = await worker_processes(environment).ready()
        telegram.fail_for(OUTAGE_SECONDS / 2, error_code=500)
        telegram.fail_for(OUTAGE_SECONDS / 2, error_code=429, retry_after=retry_after, after=OUTAGE_SECONDS / 2)
        outage_ends = time.monotonic() + OUTAGE_SECONDS
        expected = queue_for("telegram", chats)

        await wait_until(lambda: statuses() == ["sent"] * 12, timeout=OUTAGE_SECONDS + DRAIN_SECONDS, interval=0.2)
        report("telegram 500 then 429", outage_ends)
        assert await worker.stop() == 0
        sends = await asyncio.to_thread(telegram.calls_to, "sendMessage")

    def texts_to(chat: str) -> list[str]:
        return [c.params["text"] for c in sends if c.status == 200 and f"telegram:{c.params['chat_id']}" == chat]

    delivered = {chat: texts_to(chat) for chat in chats}
    assert delivered == expected  # each once, in order
    assert {c.status for c in sends} == {200, 500, 429}
    for chat in chats:
        to_chat = [c for c in sends if f"telegram:{c.params['chat_id']}" == chat]
        for refused, following in pairwise(to_chat):
            if refused.retry_after is not None:  # flood control: not a single call to this chat before it ends
                assert following.at - refused.at >= refused.retry_after - 0.05
