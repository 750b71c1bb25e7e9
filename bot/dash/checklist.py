"""The Dash checklist's questions (data/dash/checklist.yml), its scoring and which hand-offs it is offered for."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

CHECKLIST_FILE = PROJECT_ROOT / "data" / "dash" / "checklist.yml"
YES = "yes"
# Hand-off risk categories that are domestic abuse (categories are free text from the risk screen).
DOMESTIC_ABUSE_WORDS = ("domestic", "partner", "coercive", "strangul")
DOMESTIC_ABUSE_OFFENCE = "domestic_abuse"  # bot/models/cases.py offence_category


@dataclass(frozen=True)
class Checklist:
    """The published checklist: numbered questions, the answer choices, the Marac threshold and its source."""

    questions: tuple[str, ...]
    answers: dict[str, str]  # stored value -> label
    marac_threshold: int
    source: str
    checked: str
    attribution: str

    def clean(self, submitted: dict[str, Any]) -> dict[str, str]:
        """Answers keyed "1".."24" with only known values; a question left blank is not stored."""
        return {
            str(number): str(submitted[str(number)])
            for number in range(1, len(self.questions) + 1)
            if str(submitted.get(str(number), "")) in self.answers
        }

    def score(self, answers: dict[str, str]) -> int:
        """The number of "yes" answers."""
        return sum(1 for value in answers.values() if value == YES)

    def refer_to_marac(self, score: int) -> bool:
        return score >= self.marac_threshold


def load_checklist(path: Path) -> Checklist:
    """Read a checklist file (24 questions expected)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not all(isinstance(text, str) for text in raw["questions"]):  # "tick who: you" unquoted reads as a mapping
        raise ValueError(f"{path}: every question must be plain text (quote any with ': ' inside)")
    questions = tuple(" ".join(text.split()) for text in raw["questions"])
    if len(questions) != 24:
        raise ValueError(f"{path} holds {len(questions)} questions; the Dash checklist has 24")
    return Checklist(
        questions=questions,
        answers={str(key): str(label) for key, label in raw["answers"].items()},
        marac_threshold=int(raw["marac_threshold"]),
        source=str(raw["source"]),
        checked=str(raw["checked"]),
        attribution=str(raw["attribution"]),
    )


@lru_cache(maxsize=1)
def checklist() -> Checklist:
    """The checklist in data/dash/checklist.yml, read once."""
    return load_checklist(CHECKLIST_FILE)


def is_domestic_abuse(category: str | None, offence_categories: list[str | None]) -> bool:
    """True for a hand-off whose risk category is domestic abuse, or whose verified victim has such a case."""
    words = (category or "").lower()
    return any(word in words for word in DOMESTIC_ABUSE_WORDS) or DOMESTIC_ABUSE_OFFENCE in offence_categories
