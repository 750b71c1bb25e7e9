"""The outbox sender for channel "telegram": delivers one bot message through the Bot API."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.outbox.senders import PermanentDeliveryError, register_sender
from connectors.telegram.client import initialized_bot, shutdown_bots
from connectors.telegram.render import message_buttons, message_text, render_keyboard, split_text

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
MAX_INLINE_WAIT_SECONDS = 5.0
NO_TEXT_WITH_BUTTONS = "Please choose:"


def chat_id_of(recipient: str) -> int:
    """The Telegram chat id from an outbox recipient ("123" or "telegram:123")."""
    address = recipient.split(":", 1)[1] if recipient.startswith(f"{CHANNEL}:") else recipient
    return int(address)


def split_for_telegram(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """One outbox row per Telegram message: long text in several parts, the buttons on the last part."""
    chunks = split_text(message_text(payload))
    if len(chunks) <= 1:
        return [payload]
    parts: list[dict[str, Any]] = [{"text": chunk} for chunk in chunks[:-1]]
    last = {key: value for key, value in payload.items() if key not in {"text", "image", "attachment"}}
    return [*parts, {**last, "text": chunks[-1]}]


async def send_telegram(recipient: str, payload: dict[str, Any]) -> str:
    """Send `payload` (Rasa's bot message dict) to the chat; returns the message_id carrying the buttons.

    Network errors, 5xx and 429 propagate so the outbox retries (a RetryAfter of a few seconds is
    waited out once in place); a blocked bot or an unknown chat is a PermanentDeliveryError.
    """
    chat_id = chat_id_of(recipient)
    keyboard = render_keyboard(message_buttons(payload))
    chunks = split_text(message_text(payload)) or ([NO_TEXT_WITH_BUTTONS] if keyboard else [])
    if not chunks:  # nothing Telegram can show (e.g. custom JSON for the web widget)
        return ""
    bot = await initialized_bot()
    message_id = ""
    for position, chunk in enumerate(chunks):
        markup = keyboard if position == len(chunks) - 1 else None
        message_id = await _send_one(bot, chat_id, chunk, markup)
    return message_id


async def _send_one(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> str:
    try:
        try:
            sent = await bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
        except RetryAfter as error:
            wait = _seconds(error.retry_after)
            if wait > MAX_INLINE_WAIT_SECONDS:
                raise
            await asyncio.sleep(wait)
            sent = await bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
    except (Forbidden, BadRequest) as error:  # bot blocked by the user, chat gone, message refused
        raise PermanentDeliveryError(f"telegram refused: {type(error).__name__}") from error
    return str(sent.message_id)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """The registered sender: `send_telegram`, plus `aclose` so the outbox can close connections at shutdown."""

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> str:
        return await send_telegram(recipient, payload)

    async def aclose(self) -> None:
        await shutdown_bots()


def register_telegram_sender() -> None:
    """Register the sender (and its splitter) for channel "telegram" with the outbox (idempotent)."""
    register_sender(CHANNEL, TelegramSender(), split=split_for_telegram)
