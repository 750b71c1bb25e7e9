"""The one normaliser for typed text, used by every channel before Rasa and by the risk screen."""

from __future__ import annotations

import re
import string
import unicodedata

from bot.text.characters import clean_characters
from bot.text.lookalikes import unmask_lookalikes

ASCII_LETTERS = frozenset(string.ascii_letters)
LONG_RUN = re.compile(r"([^\W\d_])\1{2,}")  # a letter typed three or more times (never digits)
SPACES = re.compile(r"[ ]{2,}")
SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
BLANK_LINES = re.compile(r"\n{3,}")


def strip_accents_on_english_letters(text: str) -> str:
    """Combining marks on a-z removed: "kíll" and strike-through "k̶i̶l̶l̶" read "kill".

    Marks on letters of other scripts (Arabic vowel signs, Devanagari ...) are kept.
    """
    if text.isascii():
        return text
    kept: list[str] = []
    base_is_english = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
            if base_is_english:
                continue
        else:
            base_is_english = char in ASCII_LETTERS
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def squeeze_repeated_letters(text: str) -> str:
    """Letters typed three or more times in a row cut to two: "heeelp meee" -> "heelp mee".

    English never triples a letter, and two keeps real doubles ("feel", "kill"); the risk screen
    then picks the spelling it knows ("help"). Digits are never touched (crime references).
    """
    return LONG_RUN.sub(r"\1\1", text)


def tidy_spacing(text: str) -> str:
    """Runs of spaces made one, spaces around line breaks and more than one blank line removed."""
    text = SPACES.sub(" ", text)
    text = SPACE_AROUND_NEWLINE.sub("\n", text)
    return BLANK_LINES.sub("\n\n", text).strip()


def normalise_unicode(text: str) -> str:
    """Characters cleaned, NFKC, look-alike letters read as English, accents on English letters dropped.

    This is the language-neutral part: fullwidth, mathematical bold or circled letters, a Cyrillic
    "i" inside "kill", "he\\u00a0put his hands" and "ne\\u200bck" all come out as plain English text.
    """
    text = unicodedata.normalize("NFKC", clean_characters(text or ""))
    text = clean_characters(text)  # NFKC can produce spaces and controls of its own ("\\u2028" stays)
    return strip_accents_on_english_letters(unmask_lookalikes(text))


def normalise_text(text: str | None) -> str:
    """The form of a typed message that Rasa's NLU and the risk screen read.

    Unicode clean-up (see normalise_unicode), letters repeated three or more times cut to two, and
    tidy spacing. Case, punctuation, digits, emoji and other scripts are kept; the result is empty
    only when the message had nothing visible in it. Applying it twice changes nothing.
    """
    return tidy_spacing(squeeze_repeated_letters(normalise_unicode(text or "")))
