"""Haven's Telegram input channel: authenticated, de-duplicated webhook at /webhooks/telegram_haven/webhook."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Update

from bot.db import session_scope
from bot.outbox.worker import attach_worker
from bot.settings import get_settings
from connectors.channel_common import OutboxOutputChannel
from connectors.telegram_client import get_bot
from connectors.telegram_sender import register_telegram_sender
from connectors.telegram_store import record_update
from connectors.telegram_updates import TelegramUpdateHandler

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def secret_matches(given: str | None) -> bool:
    """True only when a secret is configured and the header carries exactly it (constant time)."""
    expected = get_settings().telegram_secret_token
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def parse_update(body: bytes) -> Update | None:
    """The Update in a webhook body, or None when it is not a JSON update object."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    bot = get_bot()  # TelegramNotConfigured (500) when the token is missing: a deployment error
    try:
        return Update.de_json(data, bot)
    except Exception:  # de_json raises assorted errors on malformed nested objects
        return None


_background: set[asyncio.Task] = set()


def _in_background(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` after the response is sent, holding a reference until it finishes."""
    task = asyncio.create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)


def _is_new(update_id: int) -> bool:
    with session_scope() as session:
        return record_update(session, update_id=update_id)


class TelegramInput(InputChannel):
    """Receives Bot API updates by webhook; replies leave through the outbox (channel "telegram")."""

    @classmethod
    def name(cls) -> str:
        return "telegram_haven"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()  # settings come from the environment (bot.settings), not credentials.yml

    def get_output_channel(self) -> OutputChannel | None:
        return OutboxOutputChannel(CHANNEL)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        register_telegram_sender()
        handler = TelegramUpdateHandler(on_new_message, OutboxOutputChannel(CHANNEL))
        webhook = Blueprint("telegram_haven_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not secret_matches(request.headers.get(SECRET_HEADER)):
                logger.warning("telegram webhook: missing or wrong secret token, refused")
                return response.json({"error": "forbidden"}, status=403)
            update = parse_update(request.body)
            if update is None:
                return response.json({"error": "malformed update"}, status=400)
            if not await asyncio.to_thread(_is_new, update.update_id):
                logger.info("telegram update %s already received, ignored", update.update_id)
                return response.json({"status": "duplicate"})
            _in_background(handler.handle(update))
            return response.json({"status": "accepted"})

        attach_worker(webhook)
        return webhook
