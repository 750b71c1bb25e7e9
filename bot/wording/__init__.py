"""Victim-facing wording as Rasa data: responses read from the domain, per channel, with shared fragments."""

from bot.wording.responses import (
    CHANNELS,
    FRAGMENT,
    domain_responses,
    fragments_in,
    response_message,
    response_text,
)

__all__ = [
    "CHANNELS",
    "FRAGMENT",
    "domain_responses",
    "fragments_in",
    "response_message",
    "response_text",
]
