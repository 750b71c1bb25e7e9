"""The case-update conversation's replies as a victim reads them: responses filled from the domain as Rasa does.

Actions utter responses by name (`dispatcher.utter_message(response=..., attempts_left=2)`); Rasa fills the
text for the output channel and records the name in the bot event's `metadata.utter_action`. Tests use these
helpers to read what was said and to write the bot events of earlier turns the same way.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.wording import response_text

# Keys rasa_sdk's dispatcher always puts in a message; anything else is a value for the response's placeholders.
_MESSAGE_KEYS = frozenset({"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"})


def channel_of(sender_id: str) -> str | None:
    """The output channel a sender id ("sms:+44...", "webchat:abc") is answered on."""
    channel, _, _address = sender_id.partition(":")
    return channel or None


def text_of(name: str, channel: str | None = None, **values: Any) -> str:
    """What response `name` says on `channel`, its placeholders filled with `values`."""
    return response_text(name, channel, slots=values)


def rendered(message: dict[str, Any], channel: str | None = None) -> str:
    """The text a dispatcher message becomes: its own text, or its response filled as Rasa fills it."""
    if message.get("text") or not message.get("response"):
        return str(message.get("text") or "")
    values = {key: value for key, value in message.items() if key not in _MESSAGE_KEYS}
    return text_of(message["response"], channel, **values)


def said_by(dispatcher: CollectingDispatcher, channel: str | None = None) -> list[str]:
    """Everything the action said, as the victim reads it on `channel`."""
    return [rendered(message, channel) for message in dispatcher.messages]


def bot_uttered(name: str, channel: str | None = None, **values: Any) -> dict[str, Any]:
    """The bot event Rasa records after uttering response `name` (text and the response's name)."""
    return {"event": "bot", "text": text_of(name, channel, **values), "metadata": {"utter_action": name}}


def said_in_reply(body: dict[str, Any], channel: str | None = None) -> list[str]:
    """Everything an action server's webhook reply ({"responses": [...]}) says, as the victim reads it."""
    return [rendered(response, channel) for response in body.get("responses", [])]
