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
    # quotes and primes
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    # dashes, minus, hyphens
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2012": "-",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    # ellipsis, bullets, tab, symbols
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\t": " ",
    "\u2122": "TM",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    # spaces of every width become one plain space; invisible joiners vanish
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2004": " ",
    "\u2005": " ",
    "\u2006": " ",
    "\u2007": " ",
    "\u2008": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u205f": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U0001fc00-\U0001ffff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
    "\ufe00-\ufe0f\U000e0000-\U000e007f\u20e3]"
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
