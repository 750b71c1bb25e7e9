"""The fake Twilio API able to hold one answer open, and the outbox helpers the worker-process tests share."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy import select

from bot.db import session_scope
from bot.models import OutboxMessage
from bot.outbox.store import enqueue
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilioApi
from tests.worker_fixtures import worker_environment


@dataclass
class HoldingTwilioApi(FakeTwilioApi):
    """Like FakeTwilioApi; the first request whose Body is `hold_body` is accepted (recorded as received,
    as Twilio would queue it) but answered only when `release()` is called: a send that reached the
    provider and whose outcome the sender never learns, if it dies meanwhile."""

    hold_body: str | None = None
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self._release.set()

    async def stop(self) -> None:
        self.release()
        await super().stop()

    async def _create_message(self, request: web.Request) -> web.Response:
        form = await request.post()
        if self.hold_body is None or form.get("Body") != self.hold_body or self.holding.is_set():
            return await super()._create_message(request)
        answer = await super()._create_message(request)
        self.holding.set()
        await self._release.wait()
        return answer

    def bodies_to(self, number: str) -> list[str]:
        """What reached `number`, in the order Twilio accepted it."""
        return [message["Body"] for message in self.received if message["To"] == number]


def sms_environment(db_url: str, twilio: FakeTwilioApi, **extra: str) -> dict[str, str]:
    """A worker delivering SMS only, to the fake Twilio API."""
    return worker_environment(
        db_url,
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER=FROM_NUMBER,
        TWILIO_API_BASE_URL=twilio.base_url,
        HAVEN_WORKER_CHANNELS="sms",
        **extra,
    )


def queue(*messages: tuple[str, str]) -> None:
    """Queue (number, text) SMS messages, in this order."""
    with session_scope() as session:
        for number, text in messages:
            enqueue(session, channel="sms", recipient=number, payload={"text": text})


def rows() -> list[tuple[str, str, int, str | None]]:
    """(status, text, attempts, lease token) of every outbox row, oldest first."""
    with session_scope() as session:
        found = session.execute(
            select(
                OutboxMessage.status, OutboxMessage.payload, OutboxMessage.attempts, OutboxMessage.lease_token
            ).order_by(OutboxMessage.id)
        ).all()
    return [(status, payload["text"], attempts, token) for status, payload, attempts, token in found]


def statuses() -> list[str]:
    return [status for status, *_ in rows()]
