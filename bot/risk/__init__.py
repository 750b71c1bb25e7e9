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
    score: float | None = None  # the learned model's P(needs a person now), when it ran
    band: str | None = None  # "escalate", "uncertain" (ask "are you safe?") or "none"; None: derive from escalate
    explanation: dict = field(default_factory=dict)  # for staff: the model's category scores and nearest examples

    @property
    def effective_band(self) -> str:
        """The band, derived from `escalate` when the model did not set one."""
        return self.band or ("escalate" if self.escalate else "none")

    def to_dict(self) -> dict:
        """The JSON-friendly form put into Rasa's parse data as `risk`."""
        return {
            "escalate": self.escalate,
            "level": self.level,
            "category": self.category,
            "matched": list(self.matched),
            "score": None if self.score is None else round(self.score, 4),
            "band": self.effective_band,
            "explanation": dict(self.explanation),
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
