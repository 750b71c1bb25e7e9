"""Typed text from any channel made ready for Rasa: normalised, `/`-guarded, and capped with a notice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.text.characters import without_surrogates
from bot.text.normalise import normalise_text
from connectors.slash_guard import sanitize_inbound_text

# Rasa (NLU and risk screen) reads a message whole up to this length; longer ones are cut here.
MAX_READ_CHARS = 20_000
# Raw text beyond this is not even cleaned (bounds the work); cleaning only ever shortens text.
MAX_RAW_CHARS = 5 * MAX_READ_CHARS

EMPTY_REPLY = (
    "I didn't receive any words. Please type your message. "
    "If you are in danger now, call 999 (from a mobile, press 55 if you can't speak)."
)
CUT_NOTICE = (
    f"Your message was very long, so I have read only the first part of it (the first "
    f"{MAX_READ_CHARS:,} characters). If there was more you wanted to tell me, please send it in a "
    "new message. If you are in danger now, call 999."
)


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
