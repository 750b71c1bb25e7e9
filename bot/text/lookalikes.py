"""Letters that look like English ones (Cyrillic, Greek, small capitals) read as the English letters they mimic."""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

ASCII_LETTERS = frozenset(string.ascii_letters)
LETTER_RUN = re.compile(r"[^\W\d_]+")
# Look-alikes that Unicode's confusables table (TR39) maps only to other non-ASCII letters, or not at
# all, but that read as these letters in common fonts and are used to disguise words ("кill", "ʜᴇʟᴘ").
EXTRA_LOOKALIKES = {
    "\u043a": "k", "\u043c": "m", "\u0442": "t", "\u043d": "h", "\u0432": "b",  # Cyrillic small ka, em, te, en, ve
    "\u03ba": "k", "\u03b7": "n", "\u03c4": "t",  # Greek small kappa, eta, tau
    "\u1d00": "a", "\u0299": "b", "\u1d05": "d", "\u1d07": "e", "\ua730": "f", "\u0262": "g",  # small capitals
    "\u029c": "h", "\u1d0a": "j", "\u1d0b": "k", "\u029f": "l", "\u1d0d": "m", "\u0274": "n",
    "\u1d18": "p", "\u0280": "r", "\u1d1b": "t",
    "\u04cf": "l",  # Cyrillic small palochka: a tall stroke, read as "l" in lower-case words (TR39 says "i")
}


def _is_ascii_letters(value: str) -> bool:
    return bool(value) and all(char in ASCII_LETTERS for char in value)


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


@lru_cache(maxsize=1)
def lookalike_table() -> dict[str, str]:
    """Non-ASCII letter -> the ASCII letter(s) it looks like, from TR39 plus EXTRA_LOOKALIKES.

    TR39 writes "l" for every upright stroke (I, l, |); a capital stroke (Greek capital iota) reads "I".
    Several-letter targets are kept for Latin ligatures ("æ" -> "ae") only.
    """
    from confusable_homoglyphs import confusables  # loads Unicode's table (about 1 MB of JSON) on first use

    table: dict[str, str] = {}
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        if unicodedata.normalize("NFKC", char) != char:
            continue  # NFKC already reads it (fullwidth, mathematical, circled letters ...)
        targets = [glyph["c"] for glyph in homoglyphs if _is_ascii_letters(glyph["c"])]
        if not targets or (len(targets[0]) > 1 and not _is_latin(char)):
            continue
        table[char] = "I" if targets[0] == "l" and char.isupper() else targets[0]
    table.update(EXTRA_LOOKALIKES)
    return table


@lru_cache(maxsize=8192)
def english_lookalike(char: str) -> str | None:
    """The ASCII letter(s) `char` looks like, accents kept as combining marks ("ё" -> "e" + diaeresis)."""
    table = lookalike_table()
    if char in table:
        return table[char]
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and decomposed[0] in table:
        return table[decomposed[0]] + decomposed[1:]
    return None


def _unmask_word(word: str, mostly_english: bool) -> str:
    """The word in English letters when it mixes scripts, or is all look-alikes in English-looking text."""
    if word.isascii():
        return word
    mapped = [english_lookalike(char) for char in word]
    has_english = any(char in ASCII_LETTERS for char in word)
    if not has_english and not (mostly_english and all(mapped)):
        return word  # a word of another script ("помогите", "βοήθεια") stays as written
    return "".join(found or char for found, char in zip(mapped, word, strict=True))


def unmask_lookalikes(text: str) -> str:
    """`text` with disguised English words restored: "k\u0456ll" (a Cyrillic i) reads "kill".

    A word is rewritten when it mixes English letters with look-alikes, or when it is made only of
    look-alikes and the message reads as English (mostly English letters, or look-alikes only).
    Other scripts are left alone.
    """
    if text.isascii():
        return text
    english = sum(char in ASCII_LETTERS for char in text)
    others = [char for char in text if char.isalpha() and not char.isascii()]
    mostly_english = english >= len(others) or all(english_lookalike(char) for char in others)
    return LETTER_RUN.sub(lambda match: _unmask_word(match.group(0), mostly_english), text)
