"""Rewrite SMS spellings ("gonna", "kms", "u", "pleeease") into plain lower-case English before matching."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import yaml

SMS_FILE = "sms_normalisation.yml"
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
REPEATS = re.compile(r"([a-z])\1{2,}")
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
    """Shorten letters repeated 3+ times to 2 or 1, preferring a known word ("helppp" -> "help")."""
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
    """Lower-cases text, squeezes repeated letters and expands SMS words from a table."""

    def __init__(self, replacements: dict[str, str], is_word: Callable[[str], bool]) -> None:
        self.replacements = replacements
        self.is_word = is_word
        keys = sorted(replacements, key=len, reverse=True)
        alternatives = "|".join(re.escape(key) for key in keys) or "(?!)"
        self._pattern = re.compile(rf"(?<![\w'])({alternatives})(?![\w'])")

    def squeeze(self, text: str) -> str:
        """Squeeze letters repeated three or more times in every word."""
        if not REPEATS.search(text):
            return text
        return WORD.sub(lambda match: _squeeze_word(match.group(0), self.is_word), text)

    def __call__(self, text: str) -> str:
        """The normalised form of `text` that the patterns are matched against."""
        lowered = self.squeeze(text.translate(QUOTES).lower())
        return self._pattern.sub(lambda match: self.replacements[match.group(1)], lowered)
