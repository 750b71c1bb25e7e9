"""Haven's Telegram input channel: authenticated, de-duplicated webhook at /webhooks/telegram_haven/webhook."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Update

from bot.rate_limits import client_address, too_many_requests
from bot.serving_checks import require_ready_to_serve
from bot.settings import get_settings
from connectors.pipeline.intake import register_handler, store_delivery
from connectors.pipeline.messages import OutboxOutputChannel
from connectors.pipeline.rate_gate import RateGate
from connectors.telegram.client import get_bot
from connectors.telegram.sender import register_telegram_sender
from connectors.telegram.updates import TelegramUpdateHandler, chat_of

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
PROVIDER = "telegram"
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
        register_handler(webhook, CHANNEL, lambda app: TelegramUpdateHandler(on_new_message, app, gate=gate))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not secret_matches(request.headers.get(SECRET_HEADER)):
                logger.warning("telegram webhook: missing or wrong secret token, refused")
                # Only refused requests count per address: genuine ones all come from Telegram's servers,
                # and chats are limited one by one (connectors.pipeline.rate_gate).
                verdict = await gate.limits.address(client_address(request))
                if not verdict.allowed:
                    return too_many_requests(verdict)
                return response.json({"error": "forbidden"}, status=403)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": f"larger than {MAX_BODY_BYTES} bytes"}, status=413)
            update = parse_update(request.body)
            if update is None:
                return response.json({"error": "malformed update"}, status=400)
            chat_id = chat_of(update)
            if chat_id is None:
                return response.json({"status": "ignored"})  # nothing a person wrote to us (e.g. a poll)
            try:
                received = await store_delivery(
                    request.app, provider=PROVIDER, provider_id=str(update.update_id), channel=CHANNEL,
                    address=str(chat_id), content={"update": update.to_dict()},
                )
            except Exception as error:  # not stored: not acknowledged, so Telegram delivers it again
                logger.error("telegram update %s could not be stored: %s", update.update_id, type(error).__name__)
                return response.json({"error": "try again later"}, status=503)
            if not received.new:
                logger.info("telegram update %s already received", update.update_id)
                return response.json({"status": "duplicate"})
            return response.json({"status": "accepted"})

        return webhook
