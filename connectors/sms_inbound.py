"""Inbound SMS interpretation: STOP/START/HELP keywords and numbered replies to the bot's options."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered

from bot.cases.identities import opt_in, opt_out
from bot.db import session_scope
from connectors.sms_render import message_buttons

logger = logging.getLogger(__name__)
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
EMERGENCY = "In an emergency call 999. Can't speak? On a mobile press 55 when asked; on a landline stay on the line."

# STOP (and STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) must opt out: Twilio blocks every later text to the
# number until START, so the reply says plainly that safety replies stop too.
STOP_REPLY = (
    "You have unsubscribed. Haven will send you no more texts, not even replies about your safety, "
    f"until you text START. {EMERGENCY}"
)
START_REPLY = "You have subscribed to Haven texts again. Text us any time. Reply STOP to unsubscribe."
HELP_REPLY = (
    "Haven is Southmoor's service for victims of crime: updates on your case, your rights and local support. "
    f"Reply STOP to unsubscribe. {EMERGENCY}"
)
EMPTY_REPLY = "Sorry, Haven can only read text messages. Please type your message. " + EMERGENCY


def keyword_of(text: str) -> str | None:
    """The keyword when the whole message is one (case and surrounding punctuation ignored)."""
    word = text.strip().strip(".!?,;:'\" ").upper()
    if word in STOP_WORDS:
        return "STOP"
    if word in START_WORDS:
        return "START"
    if word in HELP_WORDS:
        return word
    return None


def record_opt_out(*, channel: str, address: str, opted_out: bool) -> None:
    """Store STOP / START for the address (blocking: run it in a thread)."""
    with session_scope() as session:
        (opt_out if opted_out else opt_in)(session, channel=channel, address=address)


_NUMBER = re.compile(r"^\s*(\d{1,2})[.)]?\s*$")


def latest_buttons(events: Iterable[Any]) -> list[dict[str, Any]]:
    """Buttons of the newest bot message since the user last spoke (numbered as the SMS showed them)."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered):
            buttons = message_buttons(event.data or {})
            if buttons:
                return buttons
    return []


async def button_payload(agent: Any, sender_id: str, text: str) -> str | None:
    """The payload behind a numeric reply, or None when the text is not a valid option number."""
    match = _NUMBER.match(text or "")
    tracker_store = getattr(agent, "tracker_store", None)
    if not match or tracker_store is None:
        return None
    try:
        tracker = await tracker_store.retrieve(sender_id)
    except Exception as error:
        logger.warning("could not read the tracker to map an option number: %s", type(error).__name__)
        return None
    buttons = latest_buttons(tracker.events) if tracker is not None else []
    index = int(match.group(1)) - 1
    if not 0 <= index < len(buttons):
        return None
    payload = buttons[index].get("payload") or buttons[index].get("title")
    return str(payload) if payload else None
