"""What every Haven channel shares: sender ids, handing normalised text to Rasa, and outbox output."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.cases.identities import SenderAddress
from bot.db import session_scope
from bot.off_loop import run_blocking
from bot.outbox.store import enqueue
from connectors.pipeline.inbound_text import cut_notice, prepare_typed_text
from connectors.pipeline.inbound_text import empty_reply as empty_reply_for

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
PAYLOAD_KEYS = ("text", "buttons", "quick_replies", "custom", "image", "attachment", "elements")


def build_user_message(
    *,
    channel: str,
    address: str,
    text: str | None,
    output_channel: OutputChannel,
    trusted_payload: bool = False,
    message_id: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> UserMessage:
    """The UserMessage for Rasa. Typed text is normalised, `/`-guarded and capped (see
    connectors.pipeline.inbound_text; what was typed is kept in the metadata when it differs); `trusted_payload`
    is for a button payload the connector itself looked up in the bot's own message (never for text
    from the user)."""
    if trusted_payload:
        safe_text, extra = (text or "").strip(), {}
    else:
        ready = prepare_typed_text(text)
        safe_text, extra = ready.text, ready.metadata()
    return UserMessage(
        text=safe_text,
        output_channel=output_channel,
        sender_id=SenderAddress(channel, address).sender_id,
        input_channel=channel,
        message_id=message_id,
        metadata={**(metadata or {}), **extra, "channel": channel},
    )


def is_cut(message: UserMessage) -> bool:
    """True when only the first part of the victim's message is in `message` (it was too long)."""
    return bool((message.metadata or {}).get("text_cut_at"))


async def hand_to_rasa(
    on_new_message: OnNewMessage, *, empty_reply: str | None = None, **message_fields: Any
) -> bool:
    """Build the UserMessage (see build_user_message) and let Rasa handle it; False when it was empty.

    Nothing is dropped silently: a message with no readable text gets `empty_reply` instead, and a
    message cut to its first part gets CUT_NOTICE first, on the same output channel as the replies.
    """
    message = build_user_message(**message_fields)
    output = message.output_channel
    if not message.text:
        await output.send_text_message(message.sender_id, empty_reply or empty_reply_for(output.name()))
        return False
    if is_cut(message):
        await output.send_text_message(message.sender_id, cut_notice(output.name()))
    await on_new_message(message)
    return True


def outbox_payload(message: dict[str, Any]) -> dict[str, Any]:
    """The parts of a Rasa bot message worth delivering (drops Rasa's bookkeeping keys and empties)."""
    return {key: message[key] for key in PAYLOAD_KEYS if message.get(key) not in (None, "", [], {})}


class OutboxOutputChannel(OutputChannel):
    """Rasa output that stores every bot message in the outbox; the worker delivers it in order."""

    def __init__(self, channel: str, *, origin: str = "bot", reply_key: str | None = None) -> None:
        self.channel = channel
        self.origin = origin
        self.reply_key = reply_key  # "reply:<inbox id>": each message gets "<reply_key>:<n>", queued once
        self._queued = 0

    def name(self) -> str:  # type: ignore[override]  # instance-level: Rasa picks channel variations by it
        return self.channel

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self.enqueue(recipient_id, outbox_payload(dict(message)))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.enqueue(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.enqueue(recipient_id, {"text": text, "buttons": buttons})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.enqueue(recipient_id, {"text": text, "quick_replies": quick_replies})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.enqueue(recipient_id, {"custom": json_message})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.enqueue(recipient_id, {"image": image})

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self.enqueue(recipient_id, {"attachment": attachment})

    async def send_elements(self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any) -> None:
        await self.enqueue(recipient_id, {"elements": list(elements)})

    async def enqueue(self, recipient_id: str, payload: dict[str, Any]) -> None:
        """Store `payload` for `recipient_id` (a Rasa sender id or a bare address) in a worker thread."""
        if not payload:
            return
        recipient = SenderAddress.on(self.channel, recipient_id).id
        self._queued += 1
        key = f"{self.reply_key}:{self._queued}" if self.reply_key else None
        await run_blocking(_enqueue_now, self.channel, recipient, payload, self.origin, key)


def _enqueue_now(channel: str, recipient: str, payload: dict[str, Any], origin: str, key: str | None) -> None:
    with session_scope() as session:
        enqueue(session, channel=channel, recipient=recipient, payload=payload, origin=origin, idempotency_key=key)
    logger.debug("queued a %s message for delivery", channel)
