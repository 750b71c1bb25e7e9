"""Turn one authenticated, de-duplicated Telegram update into Rasa messages and fixed replies."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from telegram import CallbackQuery, Message, Update

from bot.cases.identities import opt_out
from bot.db import session_scope
from connectors import telegram_texts as texts
from connectors.channel_common import hand_to_rasa, make_sender_id
from connectors.rate_gate import RateGate
from connectors.telegram_client import initialized_bot
from connectors.telegram_render import mapped_index
from connectors.telegram_store import button_payload

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
GREET_PAYLOAD = "/greet"


class TelegramUpdateHandler:
    """Processes updates one at a time per chat, so a victim's messages reach Rasa in order."""

    def __init__(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        output: OutputChannel,
        gate: RateGate | None = None,
    ) -> None:
        self._on_new_message = on_new_message
        self._output = output
        self._gate = gate  # per-chat rate limit: a flood is kept in the conversation, not answered
        self._chat_locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def handle(self, update: Update) -> None:
        """Process `update`; errors are logged (never the message text) and swallowed."""
        try:
            if update.callback_query is not None:
                await self._on_callback(update.update_id, update.callback_query)
            elif update.message is not None:
                await self._locked(update.message.chat.id, self._on_message(update.update_id, update.message))
            elif update.edited_message is not None and update.edited_message.chat.type == "private":
                # An edit can add a disclosure ("he's here" -> "he's here with a knife"): read it like a new message.
                edited = update.edited_message
                await self._locked(edited.chat.id, self._on_message(update.update_id, edited))
        except Exception:
            logger.exception("telegram update %s could not be processed", update.update_id)

    async def _locked(self, chat_id: int, work: Awaitable[None]) -> None:
        lock, users = self._chat_locks.get(chat_id, (asyncio.Lock(), 0))
        self._chat_locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                await work
        finally:
            lock, users = self._chat_locks[chat_id]
            if users <= 1:
                del self._chat_locks[chat_id]  # nobody else waiting: keep memory to active chats
            else:
                self._chat_locks[chat_id] = (lock, users - 1)

    async def _on_message(self, update_id: int, message: Message) -> None:
        chat_id = message.chat.id
        if message.chat.type != "private":
            await self._reply(chat_id, texts.PRIVATE_ONLY)
            return
        if message.text is None:
            if message.caption:  # the risk screen still reads the caption
                await self._reply(chat_id, texts.ONLY_TEXT_WITH_CAPTION)
                await self._to_rasa(update_id, chat_id, message.caption)
            else:
                await self._reply(chat_id, texts.ONLY_TEXT)
            return
        command, words = _command_of(message.text)
        said = f"{command} {words}" if words else None  # "/help he's here" is read as "help he's here"
        if command == "start":
            await self._to_rasa(update_id, chat_id, said or GREET_PAYLOAD, trusted=said is None)
            await self._reply(chat_id, texts.PRIVACY_NOTE)
        elif command == "help":
            await self._reply(chat_id, texts.HELP)
            if said:
                await self._to_rasa(update_id, chat_id, said)
        elif command == "stop":
            stopped = await asyncio.to_thread(_opt_out, chat_id)
            await self._reply(chat_id, texts.STOPPED if stopped else texts.STOP_FAILED)
            if said:
                await self._to_rasa(update_id, chat_id, said)
        else:  # plain text, or an unknown /command: normalised text, never an intent
            await self._to_rasa(update_id, chat_id, message.text)

    async def _on_callback(self, update_id: int, query: CallbackQuery) -> None:
        try:  # always stop the button's spinner, even if the rest fails
            await (await initialized_bot()).answer_callback_query(query.id)
        except Exception:
            logger.warning("telegram callback query %s could not be answered", update_id, exc_info=True)
        chat = query.message.chat if query.message is not None else None
        chat_id = chat.id if chat is not None else query.from_user.id
        if chat is not None and chat.type != "private":
            return
        text, trusted = await asyncio.to_thread(_callback_text, chat_id, query)
        if not text:
            await self._reply(chat_id, texts.EXPIRED_BUTTON)
        else:
            await self._locked(chat_id, self._to_rasa(update_id, chat_id, text, trusted=trusted))

    async def _to_rasa(self, update_id: int, chat_id: int, text: str, *, trusted: bool = False) -> None:
        """Hand text to Rasa: typed text is normalised there (an empty one is answered, a long one
        cut with a notice); `trusted` only for Haven's own payloads."""
        if trusted and not text.strip():
            await self._reply(chat_id, texts.HELP)
            return
        sender_id = make_sender_id(CHANNEL, str(chat_id))
        if self._gate is not None and await self._gate.held_back(
            sender_id=sender_id, channel=CHANNEL, text=text, output=self._output, message_id=f"telegram-{update_id}"
        ):
            return
        await hand_to_rasa(
            self._on_new_message, channel=CHANNEL, address=str(chat_id), text=text, output_channel=self._output,
            trusted_payload=trusted, message_id=f"telegram-{update_id}",
        )

    async def _reply(self, chat_id: int, text: str) -> None:
        await self._output.send_response(make_sender_id(CHANNEL, str(chat_id)), {"text": text})


def _command_of(text: str) -> tuple[str | None, str]:
    """("start", "") for "/start" or "/start@HavenBot", ("help", "he's here") for "/help he's here";
    (None, "") when the text is not a command."""
    parts = text[1:].split(maxsplit=1) if text.startswith("/") else []
    if not parts:
        return None, ""
    return parts[0].split("@", 1)[0].lower(), parts[1].strip() if len(parts) > 1 else ""


def _callback_text(chat_id: int, query: CallbackQuery) -> tuple[str | None, bool]:
    """(text, trusted) a button press stands for: Haven's own payload looked up in the outbox
    (trusted), or the callback data itself, which is sanitised like typed text."""
    data = query.data or ""
    index = mapped_index(data)
    if index is None:
        return data, False
    if query.message is None:
        return None, False
    with session_scope() as session:
        payload = button_payload(session, chat_id=chat_id, message_id=query.message.message_id, index=index)
    return payload, True


def _opt_out(chat_id: int) -> bool:
    """Record the opt-out of proactive messages; False on failure."""
    try:
        with session_scope() as session:
            opt_out(session, channel=CHANNEL, address=str(chat_id))
    except Exception:
        logger.exception("telegram opt-out failed")
        return False
    return True
