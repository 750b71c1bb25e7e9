"""One stored Telegram update made into a Rasa turn and fixed replies (run by the inbox processor, per chat)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from telegram import CallbackQuery, Message, Update

from bot.cases.identities import SenderAddress, opt_out
from bot.db import session_scope
from bot.inbox.store import ClaimedInbound
from bot.off_loop import run_blocking
from connectors.pipeline.messages import OutboxOutputChannel
from connectors.pipeline.options import pressed_button
from connectors.pipeline.rate_gate import RateGate
from connectors.pipeline.turns import message_id_of, reply_output, run_turn
from connectors.telegram import texts
from connectors.telegram.client import get_bot, initialized_bot
from connectors.telegram.render import mapped_index

logger = logging.getLogger(__name__)
CHANNEL = "telegram"
GREET_PAYLOAD = "/greet"


def chat_of(update: Update) -> int | None:
    """The private chat an update belongs to (a callback's chat, else its user's), or None."""
    if update.callback_query is not None:
        query = update.callback_query
        return query.message.chat.id if query.message is not None else query.from_user.id
    chat = update.effective_chat
    return chat.id if chat is not None else None


class TelegramUpdateHandler:
    """Handles one stored update: commands, captions, button presses and text; replies go through the outbox."""

    def __init__(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], app: Any, gate: RateGate | None = None
    ) -> None:
        self._on_new_message = on_new_message
        self._app = app
        self._gate = gate  # per-chat rate limit: a flood is kept in the conversation, not answered

    async def __call__(self, claim: ClaimedInbound) -> str:
        """Handle the update stored in `claim`; returns the inbox outcome."""
        update = Update.de_json(claim.content.get("update") or {}, get_bot())
        turn = _Turn(self, claim, reply_output(claim))
        if update.callback_query is not None:
            return await turn.on_callback(update.callback_query)
        message = update.message or update.edited_message  # an edit can add a disclosure: read it like a new message
        if message is None or (update.edited_message is not None and message.chat.type != "private"):
            return "ignored"
        return await turn.on_message(message)


class _Turn:
    """One update's handling: its replies share one output, keyed to the stored message."""

    def __init__(self, handler: TelegramUpdateHandler, claim: ClaimedInbound, output: OutboxOutputChannel) -> None:
        self.handler, self.claim, self.output = handler, claim, output
        self.chat_id = int(claim.address)

    async def on_message(self, message: Message) -> str:
        if message.chat.type != "private":
            await self.reply(texts.PRIVATE_ONLY)
            return "not private"
        if message.text is None:
            if not message.caption:
                await self.reply(texts.ONLY_TEXT)
                return "no text"
            await self.reply(texts.ONLY_TEXT_WITH_CAPTION)  # the risk screen still reads the caption
            return await self.to_rasa(message.caption)
        command, words = _command_of(message.text)
        said = f"{command} {words}" if words else None  # "/help he's here" is read as "help he's here"
        if command == "start":
            outcome = await self.to_rasa(said or GREET_PAYLOAD, trusted=said is None)
            await self.reply(texts.PRIVACY_NOTE)
            return outcome
        if command == "help":
            await self.reply(texts.HELP)
            return await self.to_rasa(said) if said else "help"
        if command == "stop":
            stopped = await run_blocking(_opt_out, self.chat_id)
            await self.reply(texts.STOPPED if stopped else texts.STOP_FAILED)
            return await self.to_rasa(said) if said else "stop"
        return await self.to_rasa(message.text)  # plain text, or an unknown /command: never an intent

    async def on_callback(self, query: CallbackQuery) -> str:
        try:  # always stop the button's spinner, even if the rest fails
            await (await initialized_bot()).answer_callback_query(query.id)
        except Exception:
            logger.warning("telegram callback query of inbox message %s could not be answered", self.claim.id)
        if query.message is not None and query.message.chat.type != "private":
            return "not private"
        text, trusted = await run_blocking(_callback_text, self.chat_id, query)
        if not text:
            await self.reply(texts.EXPIRED_BUTTON)
            return "expired button"
        return await self.to_rasa(text, trusted=trusted)

    async def to_rasa(self, text: str, *, trusted: bool = False) -> str:
        """Hand text to Rasa: typed text is normalised there (an empty one is answered, a long one cut with a
        notice); `trusted` only for Haven's own payloads."""
        if trusted and not text.strip():
            await self.reply(texts.HELP)
            return "help"
        gate, sender_id = self.handler._gate, SenderAddress(CHANNEL, self.claim.address).sender_id
        if gate is not None and await gate.held_back(
            sender_id=sender_id, channel=CHANNEL, text=text, output=self.output, message_id=message_id_of(self.claim)
        ):
            return "held back"
        return await run_turn(
            self.handler._app, self.claim, on_new_message=self.handler._on_new_message, text=text,
            output=self.output, trusted_payload=trusted,
        )

    async def reply(self, text: str) -> None:
        await self.output.send_response(SenderAddress(CHANNEL, self.claim.address).sender_id, {"text": text})


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
        payload = pressed_button(
            session, channel=CHANNEL, address=str(chat_id), provider_message_id=str(query.message.message_id),
            index=index,
        )
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
