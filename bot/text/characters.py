"""What invisible, control, odd-space and quote characters become before anything reads a message."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

SPACE, NEWLINE, DROP = " ", "\n", ""

# Blank "letters" and symbols that render as an empty gap: they separate words like a space does.
BLANK_LOOKING = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u1680"})
# Marks that are invisible by definition (Unicode default-ignorable): inside a word they hide it.
IGNORABLE_MARKS = frozenset({"\u034f", "\u17b4", "\u17b5", "\u180b", "\u180c", "\u180d", "\u180f"})
# Control characters that still mean "a gap" or "a new line".
CONTROL_SPACES = frozenset({"\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f"})
CONTROL_NEWLINES = frozenset({"\n", "\r", "\x85"})
# Typographic apostrophes and quotes, as phone keyboards send them, folded to the ASCII ones.
QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'", "\u02bb": "'",
    "\u0060": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
}


@lru_cache(maxsize=4096)
def replacement_for(char: str) -> str:
    """What one character becomes: itself, a space, a new line, an ASCII quote, or nothing."""
    if char in QUOTES:
        return QUOTES[char]
    if char in CONTROL_NEWLINES:
        return NEWLINE
    if char in CONTROL_SPACES or char in BLANK_LOOKING:
        return SPACE
    if char in IGNORABLE_MARKS:
        return DROP
    category = unicodedata.category(char)
    if category == "Zs":
        return SPACE  # no-break, en, em, thin, narrow, ideographic ... spaces
    if category in ("Zl", "Zp"):
        return NEWLINE
    if category in ("Cc", "Cf", "Cs"):
        return DROP  # controls; zero-width, bidi, soft hyphen, BOM, tags; lone surrogates (unencodable)
    return char


def clean_characters(text: str) -> str:
    """`text` with invisible and control characters removed, odd spaces made plain and quotes folded.

    "\\r\\n" counts as one line break. Zero-width characters and right-to-left/left-to-right marks
    vanish, so "ne\\u200bck" reads "neck" and a reversed-display override cannot hide words.
    """
    if text.isascii() and text.isprintable() and "`" not in text:
        return text
    text = text.replace("\r\n", "\n")
    return "".join(replacement_for(char) for char in text)


def without_surrogates(text: str) -> str:
    """`text` with lone surrogate code points (which cannot be encoded as UTF-8) removed."""
    if text.isascii():
        return text
    return "".join(char for char in text if not 0xD800 <= ord(char) <= 0xDFFF)
