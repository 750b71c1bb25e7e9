"""GSM-7 for SMS: transliterate text into the GSM alphabet and count the segments a body needs."""

from __future__ import annotations

import re
import unicodedata

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")  # each costs two septets (escape + char)
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_REPLACEMENTS = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "―": "-", "‒": "-", "−": "-", "‐": "-", "‑": "-",
    "…": "...", "•": "-", "·": "-", "\t": " ", "™": "TM", "©": "(c)", "®": "(R)",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\U0001FC00-\U0001FFFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF"
    "\uFE00-\uFE0F\U000E0000-\U000E007F\u20E3]"
)
_SPACES = re.compile(r"[ ]{2,}")


def _transliterate_char(char: str) -> str:
    if char in GSM_BASIC or char in GSM_EXTENDED:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(part for part in decomposed if not unicodedata.combining(part))
    if base and all(part in GSM_BASIC for part in base):
        return base
    return char


def to_gsm(text: str) -> str:
    """`text` with typographic punctuation, odd spaces and accents mapped to GSM-7 and emoji removed.

    Characters with no safe GSM equivalent (e.g. Cyrillic or Arabic) stay: the body is then UCS-2.
    """
    without_emoji = _EMOJI.sub("", text.replace("\r\n", "\n"))
    mapped = "".join(_transliterate_char(char) for char in without_emoji)
    lines = [_SPACES.sub(" ", line).rstrip() for line in mapped.split("\n")]
    return "\n".join(lines).strip()


def is_gsm(text: str) -> bool:
    """True when every character is in the GSM-7 alphabet (basic or extension table)."""
    return all(char in GSM_BASIC or char in GSM_EXTENDED for char in text)


def _units(text: str) -> list[int]:
    """Cost of each character: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm(text):
        return [2 if char in GSM_EXTENDED else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def count_segments(text: str) -> int:
    """SMS segments Twilio bills for `text` (GSM 160/153, UCS-2 70/67; pairs never split)."""
    if not text:
        return 0
    units = _units(text)
    single, part = (GSM_SINGLE, GSM_PART) if is_gsm(text) else (UCS2_SINGLE, UCS2_PART)
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for cost in units:
        if used + cost > part:
            segments += 1
            used = 0
        used += cost
    return segments
