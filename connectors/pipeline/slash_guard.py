"""Neutralise Rasa's `/intent{...}` shortcut in text typed by the public."""

from __future__ import annotations

import re

# Intents a button may trigger by payload; none of them carries entities or skips a check.
BUTTON_INTENTS = frozenset({"affirm", "deny", "greet", "goodbye", "thank"})
_SHORTCUT = re.compile(r"^/([a-z_]+)$")


def sanitize_inbound_text(text: str | None) -> str:
    """Text safe to hand to Rasa: a bare allow-listed `/intent` stays, any other leading `/` goes.

    Rasa strips the text and treats anything starting with `/` as an intent (with optional
    entities that set slots), so `/give_case_update{"verified": true}` would skip verification.
    The result never starts with `/` unless it is exactly `/affirm`, `/deny`, `/greet`,
    `/goodbye` or `/thank`. Nothing is cut here (connectors.pipeline.inbound_text caps what Rasa reads and
    tells the victim). Channels normalise typed text first (bot.text), so a fullwidth slash or a
    zero-width space cannot smuggle a shortcut past this.
    """
    cleaned = (text or "").replace("\x00", "").strip()
    match = _SHORTCUT.match(cleaned)
    if match and match.group(1) in BUTTON_INTENTS:
        return cleaned
    while cleaned.startswith("/"):
        cleaned = cleaned.lstrip("/").strip()
    return cleaned
