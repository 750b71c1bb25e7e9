"""Telegram test harness: TelegramInput on a real Sanic server, a scripted agent, fixtures and update builders."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.outbox.policy import RetryPolicy
from bot.outbox.worker import OutboxWorker
from bot.settings import get_settings
from connectors.telegram.channel import TelegramInput
from tests.fakes import listening_socket
from tests.fakes.rasa_boundary import serve_channels
from tests.fakes.telegram_api import FakeTelegramApi

WEBHOOK_PATH = "/webhooks/telegram_haven/webhook"
SECRET = "test-secret_0123456789"
BUTTONS = [
    {"title": "Update on my case", "payload": "I want an update on my case"},  # typeable: sent as callback data
    {"title": "Ashby Vale", "payload": '/inform_area{"area": "Ashby Vale"}'},  # not typeable: mapped "#b1"
]
_update_ids = itertools.count(1000)


@dataclass
class ScriptedAgent:
    """Stands in for Rasa's Agent at the channel boundary: records messages, utters one scripted reply."""

    received: list[UserMessage] = field(default_factory=list)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        reply = "Hello, I'm Haven." if message.text == "/greet" else f"You said: {message.text}"
        await message.output_channel.send_response(message.sender_id, {"text": reply, "buttons": BUTTONS})

    @property
    def texts(self) -> list[str]:
        return [message.text or "" for message in self.received]


@dataclass
class RunningTelegram:
    """The running webhook server and a client posting updates to it."""

    url: str
    agent: ScriptedAgent
    client: aiohttp.ClientSession

    async def post(self, body: Any, *, secret: str | None = SECRET, raw: bytes | None = None) -> aiohttp.ClientResponse:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        if raw is not None:
            return await self.client.post(self.url, data=raw, headers=headers)
        return await self.client.post(self.url, json=body, headers=headers)


def fast_worker() -> OutboxWorker:
    """An outbox worker whose retries come quickly enough for a test."""
    return OutboxWorker(policy=RetryPolicy(base_seconds=0.05, cap_seconds=0.2, jitter=0.0), poll_interval=0.05)


@asynccontextmanager
async def running_telegram_server() -> AsyncIterator[RunningTelegram]:
    """Serve TelegramInput on an ephemeral port of 127.0.0.1, with an outbox worker, for the block."""
    agent = ScriptedAgent()
    sock, base_url = listening_socket()
    async with serve_channels([TelegramInput()], agent, sock, worker=fast_worker()), aiohttp.ClientSession() as client:
        yield RunningTelegram(url=f"{base_url}{WEBHOOK_PATH}", agent=agent, client=client)


@pytest.fixture(name="api")
def api_fixture(db_url, monkeypatch):
    """The fake Bot API, with Haven's Telegram settings pointing at it."""
    with FakeTelegramApi() as fake:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake.token)
        monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", SECRET)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        get_settings.cache_clear()
        yield fake
        get_settings.cache_clear()


@pytest.fixture(name="tg")
async def tg_fixture(api):
    """TelegramInput running, talking to the fake Bot API."""
    async with running_telegram_server() as running:
        yield running


def sent_texts(api: FakeTelegramApi) -> list[str]:
    """The texts Haven sent through the fake, in order."""
    return [call.params["text"] for call in api.calls_to("sendMessage")]


async def wait_for_calls(api: Any, method: str, count: int = 1) -> list[Any]:
    """The fake's calls of `method` once there are `count` (waits in a thread, not in the event loop)."""
    return await asyncio.to_thread(api.wait_for, method, count)


def _chat(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
    return {"id": chat_id, "type": chat_type, "first_name": "Sam"} if chat_type == "private" else {
        "id": chat_id, "type": chat_type, "title": "A group"}


def message(chat_id: int, *, text: str | None = None, chat_type: str = "private", **extra: Any) -> dict[str, Any]:
    """A Bot API Message object from a user in `chat_id`."""
    body: dict[str, Any] = {
        "message_id": next(_update_ids), "date": int(time.time()), "chat": _chat(chat_id, chat_type),
        "from": {"id": abs(chat_id), "is_bot": False, "first_name": "Sam"}, **extra,
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return body


def update(kind: str = "message", **fields: Any) -> dict[str, Any]:
    """A Bot API Update with a fresh update_id wrapping one object of `kind`."""
    update_id = fields.pop("update_id", None) or next(_update_ids)
    return {"update_id": update_id, kind: fields["body"]}


def text_update(chat_id: int, text: str, **extra: Any) -> dict[str, Any]:
    return update("message", body=message(chat_id, text=text, **extra))


def callback_update(chat_id: int, *, data: str, message_id: int) -> dict[str, Any]:
    """A button press on Haven's message `message_id` in chat `chat_id`."""
    origin = {"message_id": message_id, "date": int(time.time()), "chat": _chat(chat_id), "text": "…"}
    query = {"id": f"cq{next(_update_ids)}", "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
             "chat_instance": "42", "data": data, "message": origin}
    return update("callback_query", body=query)
