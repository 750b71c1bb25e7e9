"""SMS keywords handled by the connector itself: STOP / START opt-out and HELP / INFO."""

from __future__ import annotations

from bot.db import session_scope
from bot.outbox.optout import set_opted_out

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
EMERGENCY = "In an emergency call 999. If you can't speak, call 999 from a mobile and press 55."

STOP_REPLY = (
    "You've unsubscribed from Haven and won't get any more texts from us. Reply START to get them again. "
    "In an emergency call 999."
)
START_REPLY = "You're subscribed to Haven texts again. Text us any time. Reply STOP to unsubscribe."
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
        set_opted_out(session, channel=channel, address=address, opted_out=opted_out)
