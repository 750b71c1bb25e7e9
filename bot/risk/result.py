"""The risk screen's verdict for one message, and the ordering of risk levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

LEVELS = ("medium", "high", "imminent")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS, start=1)}


def level_rank(level: Optional[str]) -> int:
    """0 for no level, then medium < high < imminent."""
    return LEVEL_RANK.get(level or "", 0)


@dataclass(frozen=True)
class RiskResult:
    """Whether a message must reach a person, how urgently, why, and which phrases matched."""

    escalate: bool = False
    level: Optional[str] = None
    category: Optional[str] = None
    matched: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON-friendly form put into Rasa's parse data as `risk`."""
        return {
            "escalate": self.escalate,
            "level": self.level,
            "category": self.category,
            "matched": list(self.matched),
        }
