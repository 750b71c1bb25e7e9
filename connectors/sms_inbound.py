"""Inbound SMS keywords: STOP/START/HELP and their fixed replies (carriers expect these words to work)."""

from __future__ import annotations

import logging

from bot.cases.identities import opt_in, opt_out
from bot.db import session_scope

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
