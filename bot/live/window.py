"""The 24-hour risk window: read a message's risk verdict, keep the marks that matter, summarise them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

WINDOW = timedelta(hours=24)
WATCH_SCORE = 0.3
BANDS = ("escalate", "uncertain", "none")
SCORE_STEP = 100  # scores compare at two decimals when pruning, so a window keeps at most ~100 marks


@dataclass(frozen=True)
class Verdict:
    """The risk screen's verdict on one victim message, with defaults for data older than `score`/`band`."""

    score: float
    band: str
    category: str | None


@dataclass(frozen=True)
class Summary:
    """Risk over a window: the highest score and its category, and whether to watch or has escalated."""

    max_score: float
    category: str | None
    watch: bool
    escalated: bool


def read_verdict(risk: dict[str, Any] | None) -> Verdict:
    """A verdict from Rasa's `risk` parse data; missing score is 1.0 on escalation else 0.0, missing band follows."""
    risk = risk or {}
    escalate = bool(risk.get("escalate"))
    score = risk.get("score")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or math.isnan(score):
        score = 1.0 if escalate else 0.0
    band = risk.get("band")
    if band not in BANDS:
        band = "escalate" if escalate else "none"
    category = risk.get("category")
    category = str(category)[:60] if category else None
    return Verdict(score=min(1.0, max(0.0, float(score))), band=band, category=category)


def _mark(verdict: Verdict, at: datetime) -> dict[str, Any]:
    return {"at": at.isoformat(), "score": verdict.score, "band": verdict.band, "category": verdict.category}


def _at(mark: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(mark["at"])


def _step(score: float) -> int:
    return round(score * SCORE_STEP)


def in_window(marks: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The marks less than 24 hours older than `now` (naive UTC), oldest first."""
    start = now - WINDOW
    return sorted((mark for mark in marks if _at(mark) > start), key=_at)


def add_mark(marks: list[dict[str, Any]], verdict: Verdict, at: datetime, now: datetime) -> list[dict[str, Any]]:
    """The marks to keep after a message: enough to know the window's maximum, watch and escalation at any later time.

    A mark is dropped once a later one scores as high (the later one outlasts it in the window); the
    latest 'uncertain' and 'escalate' marks are always kept. Messages with no risk at all leave no mark.
    """
    candidates = in_window(marks, now)
    if verdict.score > 0 or verdict.band != "none":
        candidates = sorted([*candidates, _mark(verdict, at)], key=_at)
    kept: list[dict[str, Any]] = []
    for mark in candidates:  # oldest first: each mark pops earlier ones it dominates
        while kept and _step(kept[-1]["score"]) <= _step(mark["score"]):
            kept.pop()
        kept.append(mark)
    for band in ("uncertain", "escalate"):
        latest = [mark for mark in candidates if mark["band"] == band][-1:]
        kept.extend(mark for mark in latest if mark not in kept)
    return sorted(kept, key=_at)


def summarise(marks: list[dict[str, Any]], now: datetime) -> Summary:
    """The window's risk as of `now`: highest score (latest wins a tie), its category, watch and escalated."""
    current = in_window(marks, now)
    if not current:
        return Summary(max_score=0.0, category=None, watch=False, escalated=False)
    top = max(reversed(current), key=lambda mark: mark["score"])
    return Summary(
        max_score=float(top["score"]),
        category=top["category"],
        watch=any(mark["band"] == "uncertain" or mark["score"] >= WATCH_SCORE for mark in current),
        escalated=any(mark["band"] == "escalate" for mark in current),
    )
