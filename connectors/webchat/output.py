"""Render Rasa bot messages as rasa-webchat `bot_uttered` events and emit them to a session's room."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from socketio import AsyncServer

from bot.cases.identities import SenderAddress
from connectors.webchat.inbound import CHANNEL
from connectors.webchat.presence import LocalPresence

logger = logging.getLogger(__name__)

BOT_EVENT = "bot_uttered"
TYPING_EVENT = "bot_typing"
NAMESPACE = "/"

OutboxSender = Callable[[str, dict], Awaitable[str]]


class WebChatOffline(RuntimeError):
    """No browser is connected to the session; the outbox should try again later."""


def room_of(recipient: str) -> str:
    """The socket.io room (the session id) for a Rasa sender id or a bare session id."""
    return SenderAddress.on(CHANNEL, recipient).id


def _quick_replies(buttons: list[dict[str, Any]]) -> list[dict[str, str]]:
    replies = []
    for button in buttons:
        if isinstance(button, dict) and button.get("title") and button.get("payload") is not None:
            replies.append({"content_type": "text", "title": str(button["title"]), "payload": str(button["payload"])})
    return replies


def render(message: dict[str, Any]) -> list[dict[str, Any]]:
    """rasa-webchat events for one Rasa bot message (text split on blank lines, buttons on the last part)."""
    events: list[dict[str, Any]] = []
    text = (message.get("text") or "").strip()
    if text:
        events.extend({"text": part} for part in text.split("\n\n") if part.strip())
    buttons = _quick_replies(message.get("buttons") or message.get("quick_replies") or [])
    if buttons:
        if not events:
            events.append({"text": ""})
        events[-1]["quick_replies"] = buttons
    if message.get("image"):
        events.append({"attachment": {"type": "image", "payload": {"src": message["image"]}}})
    if message.get("attachment"):
        events.append({"attachment": message["attachment"]})
    for element in message.get("elements") or []:
        events.append(
            {"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": element}}}
        )
    if isinstance(message.get("custom"), dict):
        events.append(message["custom"])
    return events


async def emit_typing(sio: AsyncServer, room: str, typing: bool) -> None:
    """Tell the page whether Haven is composing a reply (rasa-webchat ignores this event)."""
    await sio.emit(TYPING_EVENT, {"typing": typing}, to=room, namespace=NAMESPACE)


async def emit_message(sio: AsyncServer, room: str, message: dict[str, Any]) -> int:
    """Emit one Rasa bot message to the room; returns how many events were sent."""
    events = render(message)
    for event in events:
        await sio.emit(BOT_EVENT, event, to=room, namespace=NAMESPACE)
    return len(events)


def make_outbox_sender(sio: AsyncServer, presence: Any = None) -> OutboxSender:
    """The outbox sender for channel "webchat": emits to an open session, raises WebChatOffline if none.

    `presence` (connectors.webchat.presence) says whether a browser holds the session: this server's rooms
    by default; with several instances, Redis (the emit then reaches them through the Redis manager)."""
    presence = presence or LocalPresence(sio, NAMESPACE)

    async def send(recipient: str, payload: dict) -> str:
        room = room_of(recipient)
        if not await presence.is_connected(room):
            raise WebChatOffline("no browser is connected to this web chat session")
        await emit_message(sio, room, payload)
        return f"webchat-{uuid.uuid4().hex}"

    return send
