"""Rewrite typed text (Unicode tricks, "gonna", "kms", "u", "heelp") into plain lower-case English for the patterns."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.text.normalise import normalise_text

SMS_FILE = "sms_normalisation.yml"
# A doubled or longer letter: the channels already cut runs to two ("helppp" -> "helpp"), so a
# double that makes no known word is tried as a single letter too ("helpp" -> "help", "mee" -> "me").
REPEATS = re.compile(r"([a-z])\1+")
WORD = re.compile(r"[a-z0-9']+")
MAX_SQUEEZE_RUNS = 4


def load_replacements(directory: Path) -> dict[str, str]:
    """The word -> replacement table from sms_normalisation.yml (sections `words` and `typos`)."""
    with (Path(directory) / SMS_FILE).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    table: dict[str, str] = {}
    for section in ("words", "typos"):
        for key, value in (data.get(section) or {}).items():
            table[str(key).lower()] = str(value).lower()
    return table


def _squeeze_word(word: str, is_word: Callable[[str], bool]) -> str:
    """Shorten repeated letters to 2 or 1, preferring a known word ("helppp" -> "help", "kill" stays)."""
    if not REPEATS.search(word) or is_word(word):
        return word
    runs = list(REPEATS.finditer(word))[:MAX_SQUEEZE_RUNS]
    candidates = []
    for lengths in itertools.product((2, 1), repeat=len(runs)):
        pieces, position = [], 0
        for run, length in zip(runs, lengths, strict=True):
            pieces.append(word[position : run.start()] + run.group(1) * length)
            position = run.end()
        candidates.append("".join(pieces) + word[position:])
    return next((candidate for candidate in candidates if is_word(candidate)), candidates[0])


class SmsNormaliser:
    """Applies the channels' normaliser (bot.text), lower-cases, squeezes letters and expands SMS words."""

    def __init__(self, replacements: dict[str, str], is_word: Callable[[str], bool]) -> None:
        self.replacements = replacements
        self.is_word = is_word
        keys = sorted(replacements, key=len, reverse=True)
        alternatives = "|".join(re.escape(key) for key in keys) or "(?!)"
        self._pattern = re.compile(rf"(?<![\w'])({alternatives})(?![\w'])")

    def squeeze(self, text: str) -> str:
        """Squeeze repeated letters in every word that is not a known word as typed ("plzzz" -> "plz")."""
        if not REPEATS.search(text):
            return text
        return WORD.sub(lambda match: _squeeze_word(match.group(0), self._is_known), text)

    def _is_known(self, word: str) -> bool:
        return self.is_word(word) or word in self.replacements

    def __call__(self, text: str) -> str:
        """The normalised form of `text` that the patterns are matched against.

        The Unicode part is the same function every channel applies before Rasa, so a message
        screened by `python -m bot risk` or a test reads exactly as it does when it arrives.
        """
        lowered = self.squeeze(normalise_text(text).lower())
        return self._pattern.sub(lambda match: self.replacements[match.group(1)], lowered)
