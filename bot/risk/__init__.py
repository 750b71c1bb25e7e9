"""The risk screen: does this message mean a person must take over now? (`screen(text) -> RiskResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.risk.screener import RiskScreener

__all__ = ["LEVELS", "RiskResult", "RiskScreener", "default_screener", "level_rank", "screen"]

LEVELS = ("medium", "high", "imminent")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS, start=1)}


def level_rank(level: str | None) -> int:
    """0 for no level, then medium < high < imminent."""
    return LEVEL_RANK.get(level or "", 0)


@dataclass(frozen=True)
class RiskResult:
    """Whether a message must reach a person, how urgently, why, and which phrases matched."""

    escalate: bool = False
    level: str | None = None
    category: str | None = None
    matched: list[str] = field(default_factory=list)
    topic_only: bool = False  # the message only named a topic ("domestic abuse"): a need, not a disclosure

    def to_dict(self) -> dict:
        """The JSON-friendly form put into Rasa's parse data as `risk`."""
        return {
            "escalate": self.escalate,
            "level": self.level,
            "category": self.category,
            "matched": list(self.matched),
        }


@lru_cache(maxsize=1)
def default_screener() -> RiskScreener:
    """The screener for the configured patterns directory, built on first use."""
    from bot.risk.screener import RiskScreener

    return RiskScreener()


def screen(text: str) -> RiskResult:
    """Screen one message with the default patterns (settings.risk_patterns_dir)."""
    return default_screener().screen(text)


def __getattr__(name: str) -> object:
    if name == "RiskScreener":
        from bot.risk.screener import RiskScreener

        return RiskScreener
    raise AttributeError(name)
