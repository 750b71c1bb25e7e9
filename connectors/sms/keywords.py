"""Inbound SMS keywords: STOP/START/HELP and their fixed replies (carriers expect these words to work)."""

from __future__ import annotations

import logging

from bot.cases.identities import opt_in, opt_out
from bot.db import session_scope
from bot.wording import response_text

logger = logging.getLogger(__name__)
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# The replies are domain responses (bot/wording.py); these names stay importable, read on first use.
REPLY_RESPONSES = {
    "STOP_REPLY": "utter_stopped",  # opts out: Twilio blocks every later text until START (the reply says so)
    "START_REPLY": "utter_started",
    "HELP_REPLY": "utter_help",
    "EMPTY_REPLY": "utter_only_text",
    "EMERGENCY": "utter_emergency_line",
}


def sms_reply(name: str) -> str:
    """The SMS text of a reply named in REPLY_RESPONSES ("STOP_REPLY", ...)."""
    return response_text(REPLY_RESPONSES[name], "sms")


def keyword_reply(keyword: str) -> str:
    """The reply to a keyword from keyword_of: "STOP", "START", "HELP" or "INFO"."""
    return sms_reply({"STOP": "STOP_REPLY", "START": "START_REPLY"}.get(keyword, "HELP_REPLY"))


def __getattr__(name: str) -> str:
    """STOP_REPLY and the other names of REPLY_RESPONSES, read from the domain."""
    if name in REPLY_RESPONSES:
        return sms_reply(name)
    raise AttributeError(f"module {__name__} has no attribute {name}")


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
