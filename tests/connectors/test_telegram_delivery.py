"""Delivery of Telegram replies through the outbox: retries on 5xx and 429, permanent failures."""

from __future__ import annotations

from sqlalchemy import select

from bot.models.messaging import OutboxMessage
from tests.connectors.test_telegram_harness import (  # noqa: F401 (fixtures api, tg)
    api_fixture,
    text_update,
    tg_fixture,
    wait_for_calls,
)
from tests.fakes import wait_until

CHAT = 424242


def _statuses(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage.status)).all())


async def test_server_error_is_retried_and_delivered_once(tg, api, session):
    api.fail_next("sendMessage", times=2, error_code=500)
    await tg.post(text_update(CHAT, "hello"))
    await wait_for_calls(api, "sendMessage", 3)

    await wait_until(lambda: _statuses(session) == ["sent"])
    row = session.scalars(select(OutboxMessage)).one()
    assert row.attempts == 3
    assert len(api.calls_to("sendMessage")) == 3


async def test_short_retry_after_is_waited_out_in_place(tg, api, session):
    api.fail_next("sendMessage", error_code=429, retry_after=1)
    await tg.post(text_update(CHAT, "hello"))
    await wait_for_calls(api, "sendMessage", 2)

    await wait_until(lambda: _statuses(session) == ["sent"])
    assert session.scalars(select(OutboxMessage.attempts)).one() == 1


async def test_blocked_bot_is_a_permanent_failure(tg, api, session):
    api.fail_next("sendMessage", error_code=403)
    await tg.post(text_update(CHAT, "hello"))
    await wait_for_calls(api, "sendMessage")

    await wait_until(lambda: _statuses(session) == ["failed"])
    assert len(api.calls_to("sendMessage")) == 1
