"""The fixed replies of the Telegram connector (commands, media, group chats), read from the domain."""

from __future__ import annotations

from bot.wording import response_text

CHANNEL = "telegram"
# Each name (used as `texts.HELP`) is a domain response (bot/wording.py), read when it is first used.
REPLY_RESPONSES = {
    "EMERGENCY": "utter_emergency_line",
    "PRIVACY_NOTE": "utter_privacy_note",
    "HELP": "utter_help",
    "STOPPED": "utter_stopped",
    "ONLY_TEXT": "utter_only_text",
    "ONLY_TEXT_WITH_CAPTION": "utter_only_text_with_caption",
    "EXPIRED_BUTTON": "utter_button_expired",
    "PRIVATE_ONLY": "utter_private_chats_only",
    "STOP_FAILED": "utter_stop_failed",
}


def telegram_reply(name: str) -> str:
    """The Telegram text of a reply named in REPLY_RESPONSES ("HELP", "STOPPED", ...)."""
    return response_text(REPLY_RESPONSES[name], CHANNEL)


def __getattr__(name: str) -> str:
    """`texts.HELP` and the other names of REPLY_RESPONSES, read from the domain."""
    if name in REPLY_RESPONSES:
        return telegram_reply(name)
    raise AttributeError(f"module {__name__} has no attribute {name}")
