"""Typed text from any channel made ready for Rasa: normalised, `/`-guarded, and capped with a notice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.text.characters import without_surrogates
from bot.text.normalise import normalise_text
from bot.wording import response_text
from connectors.pipeline.slash_guard import sanitize_inbound_text

# Rasa (NLU and risk screen) reads a message whole up to this length; longer ones are cut here.
MAX_READ_CHARS = 20_000
# Raw text beyond this is not even cleaned (bounds the work); cleaning only ever shortens text.
MAX_RAW_CHARS = 5 * MAX_READ_CHARS

# What the victim is told about an empty or a cut message: domain responses (bot/wording.py). The names
# EMPTY_REPLY and CUT_NOTICE stay importable (their text without a channel variation), read on first use.
NOTICE_RESPONSES = {"EMPTY_REPLY": "utter_empty_message", "CUT_NOTICE": "utter_message_cut"}


def empty_reply(channel: str | None = None) -> str:
    """Told when a message had nothing readable in it."""
    return response_text(NOTICE_RESPONSES["EMPTY_REPLY"], channel)


def cut_notice(channel: str | None = None) -> str:
    """Told, before the replies, when only the first MAX_READ_CHARS characters of a message were read."""
    return response_text(NOTICE_RESPONSES["CUT_NOTICE"], channel)


def __getattr__(name: str) -> str:
    """EMPTY_REPLY and CUT_NOTICE, read from the domain."""
    if name in NOTICE_RESPONSES:
        return response_text(NOTICE_RESPONSES[name])
    raise AttributeError(f"module {__name__} has no attribute {name}")


@dataclass(frozen=True)
class ReadyText:
    """What Rasa is given for one typed message, and what the victim must be told about it."""

    text: str  # normalised and guarded; "" when nothing readable was left
    cut: bool  # longer than MAX_READ_CHARS: only the start is passed on (the victim is told)
    typed: str  # what was typed (without unencodable characters), up to the same length

    def metadata(self) -> dict[str, Any]:
        """Message metadata keeping what the victim typed when Rasa reads something different."""
        extra: dict[str, Any] = {}
        if self.typed.strip() != self.text:
            extra["typed_text"] = self.typed
        if self.cut:
            extra["text_cut_at"] = MAX_READ_CHARS
        return extra


def prepare_typed_text(raw: str | None) -> ReadyText:
    """Normalise first (so a fullwidth "/intent" or a zero-width space cannot hide a shortcut), guard, then cap."""
    raw = raw or ""
    cleaned = sanitize_inbound_text(normalise_text(raw[:MAX_RAW_CHARS]))
    cut = len(raw) > MAX_RAW_CHARS or len(cleaned) > MAX_READ_CHARS
    typed = without_surrogates(raw[:MAX_READ_CHARS]).replace("\x00", "")
    return ReadyText(text=cleaned[:MAX_READ_CHARS].rstrip(), cut=cut, typed=typed)
