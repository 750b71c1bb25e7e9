"""Proportions with Wilson 95% confidence intervals, and the naive keyword baseline."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959964
BASELINE_KEYWORDS = (
    "kill", "hurt", "rape", "knife", "die", "suicide", "stab", "gun", "hit", "beat", "abuse", "danger",
    "threat", "strangle", "choke", "follow", "stalk", "force", "marry", "traffic", "passport", "scared",
    "afraid", "help", "attack", "punch", "weapon", "violent", "dead", "touch", "self harm", "safe",
)  # fmt: skip


@dataclass(frozen=True)
class Proportion:
    """k of n, with its Wilson score interval."""

    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        if not self.total:
            return (float("nan"), float("nan"))
        p, n = self.value, self.total
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
        return (max(0.0, centre - half), min(1.0, centre + half))

    def __str__(self) -> str:
        low, high = self.interval
        return f"{self.value:.3f} [{low:.3f}-{high:.3f}] ({self.hits}/{self.total})"


def keyword_baseline(text: str) -> bool:
    """The naive screen: any keyword as a substring of the lower-cased text escalates."""
    lowered = text.lower()
    return any(keyword in lowered for keyword in BASELINE_KEYWORDS)
