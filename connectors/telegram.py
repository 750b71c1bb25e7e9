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
from bot.rate_limits import client_address, too_many_requests
from bot.serving_checks import require_ready_to_serve
from bot.settings import get_settings
from connectors.channel_common import OutboxOutputChannel
from connectors.rate_gate import RateGate
from connectors.telegram_client import get_bot
from connectors.telegram_sender import register_telegram_sender
from connectors.telegram_store import record_update
from connectors.telegram_updates import TelegramUpdateHandler

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# A Telegram message holds at most 4,096 characters; even fully \u-escaped with its entities an update
# is far below this. Larger bodies are refused before they are parsed.
MAX_BODY_BYTES = 512 * 1024
MAX_JSON_DEPTH = 32  # real updates nest a dozen levels at most


def secret_matches(given: str | None) -> bool:
    """True only when a secret is configured and the header carries exactly it (constant time)."""
    expected = get_settings().telegram_secret_token
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _depth(value: Any) -> int:
    """How deeply JSON containers nest in `value` (iterative: a hostile body cannot exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_update(body: bytes) -> Update | None:
    """The Update in a webhook body, or None when it is not a JSON update object (malformed, too deep)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int) or _depth(data) > MAX_JSON_DEPTH:
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
        require_ready_to_serve()
        register_telegram_sender()
        webhook = Blueprint("telegram_haven_webhook", __name__)
        gate = RateGate.for_channel(CHANNEL, webhook)
        handler = TelegramUpdateHandler(on_new_message, OutboxOutputChannel(CHANNEL), gate=gate)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not secret_matches(request.headers.get(SECRET_HEADER)):
                logger.warning("telegram webhook: missing or wrong secret token, refused")
                # Only refused requests count per address: genuine ones all come from Telegram's servers,
                # and chats are limited one by one (connectors.rate_gate).
                verdict = await gate.limits.address(client_address(request))
                if not verdict.allowed:
                    return too_many_requests(verdict)
                return response.json({"error": "forbidden"}, status=403)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": f"larger than {MAX_BODY_BYTES} bytes"}, status=413)
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
