"""What a custom action's messages say to the victim, filled from the domain as Rasa fills them."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.wording import response_message

# Keys rasa_sdk puts in every message; the others are values for the response's placeholders.
MESSAGE_KEYS = {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}


def shown(message: dict[str, Any], channel: str) -> dict[str, Any]:
    """One message as the victim on `channel` sees it: {"text": ..., "buttons": [...]}."""
    if not message.get("response"):
        return {"text": message.get("text"), "buttons": message.get("buttons") or []}
    values = {key: value for key, value in message.items() if key not in MESSAGE_KEYS}
    return response_message(message["response"], channel, slots=values)


def texts(dispatcher: CollectingDispatcher, channel: str = "sms") -> list[str]:
    """The texts the victim on `channel` is sent, in order."""
    return [str(shown(message, channel)["text"]) for message in dispatcher.messages]
