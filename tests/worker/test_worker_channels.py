"""The worker process registers the senders it can run alone: Telegram and REST callbacks, besides SMS."""

from __future__ import annotations

import asyncio

import pytest

from bot.db import session_scope
from bot.outbox.store import enqueue
from tests.e2e.callbacks import CallbackReceiver
from tests.fakes import wait_until
from tests.fakes.telegram_api import FakeTelegramApi
from tests.worker.holding_twilio import statuses
from tests.worker_fixtures import worker_environment

pytestmark = pytest.mark.slow


async def test_the_worker_delivers_telegram_and_rest_callbacks_and_leaves_web_chat_alone(
    db_url, worker_processes
) -> None:
    with FakeTelegramApi() as telegram:
        callbacks = CallbackReceiver()
        try:
            environment = worker_environment(
                db_url,
                TELEGRAM_BOT_TOKEN=telegram.token,
                TELEGRAM_API_BASE_URL=telegram.base_url,
                HAVEN_REST_CALLBACK_URL=callbacks.url,
                HAVEN_WORKER_CHANNELS="telegram,rest,webchat",
            )
            worker = await worker_processes(environment).ready()
            with session_scope() as session:
                enqueue(session, channel="telegram", recipient="telegram:4242", payload={"text": "to telegram"})
                enqueue(session, channel="rest", recipient="rest:partner:77", payload={"text": "to rest"})
                enqueue(session, channel="webchat", recipient="abc123", payload={"text": "to the browser"})
            [sent] = await asyncio.to_thread(telegram.wait_for, "sendMessage", 1, 30)
            posted = await asyncio.to_thread(callbacks.wait_for, lambda message: True, 30)
            await wait_until(lambda: statuses() == ["sent", "sent", "pending"], timeout=30)
            assert await worker.stop() == 0
        finally:
            callbacks.close()
    assert (str(sent.params["chat_id"]), sent.params["text"]) == ("4242", "to telegram")
    assert (posted["recipient_id"], posted["text"]) == ("rest:partner:77", "to rest")
    assert "'webchat' skipped (delivered by the Rasa server)" in worker.log()
