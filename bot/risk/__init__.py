"""The risk screen: does this message mean a person must take over now? (`screen(text) -> RiskResult`)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from bot.risk.result import RiskResult

if TYPE_CHECKING:
    from bot.risk.screener import RiskScreener

__all__ = ["RiskResult", "RiskScreener", "default_screener", "screen"]


@lru_cache(maxsize=1)
def default_screener() -> "RiskScreener":
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
