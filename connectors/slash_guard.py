"""Neutralise Rasa's `/intent{...}` shortcut in text typed by the public."""

from __future__ import annotations

import re

# Intents a button may trigger by payload; none of them carries entities or skips a check.
BUTTON_INTENTS = frozenset({"affirm", "deny", "greet", "goodbye", "thank"})
_SHORTCUT = re.compile(r"^/([a-z_]+)$")
MAX_MESSAGE_CHARS = 2000


def sanitize_inbound_text(text: str | None) -> str:
    """Text safe to hand to Rasa: a bare allow-listed `/intent` stays, any other leading `/` goes.

    Rasa strips the text and treats anything starting with `/` as an intent (with optional
    entities that set slots), so `/give_case_update{"verified": true}` would skip verification.
    The result never starts with `/` unless it is exactly `/affirm`, `/deny`, `/greet`,
    `/goodbye` or `/thank`. Over-long messages are cut to MAX_MESSAGE_CHARS.
    """
    cleaned = (text or "").replace("\x00", "").strip()[:MAX_MESSAGE_CHARS]
    match = _SHORTCUT.match(cleaned)
    if match and match.group(1) in BUTTON_INTENTS:
        return cleaned
    while cleaned.startswith("/"):
        cleaned = cleaned.lstrip("/").strip()
    return cleaned
