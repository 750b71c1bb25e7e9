"""The safety message sent first on escalation: 999 advice, the right helpline, and the safety question."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

ADVICE_FILE = "advice.yml"
SHARED_PHONE_CHANNELS = frozenset({"sms", "telegram"})
GSM7_BASIC = frozenset(
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5\u0394_\u03a6\u0393\u039b\u03a9"
    "\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9 !\"#\u00a4%&'()*+,-./0123456789:;<=>?\u00a1"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7\u00bfabcdefghijklmnopqrstuvwxyz"
    "\u00e4\u00f6\u00f1\u00fc\u00e0"
)


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic character set (one septet each)."""
    return all(character in GSM7_BASIC for character in text)


@lru_cache(maxsize=4)
def load_advice(patterns_dir: Path | None = None) -> dict:
    """The advice texts from data/risk/advice.yml (or the given directory)."""
    if patterns_dir is None:
        from bot.settings import get_settings

        patterns_dir = get_settings().risk_patterns_dir
    with (Path(patterns_dir) / ADVICE_FILE).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def safety_message(
    category: str | None, level: str | None, channel: str | None, *, patterns_dir: Path | None = None
) -> str:
    """The safety message for this risk category and level, worded for the channel."""
    advice = load_advice(patterns_dir)
    categories = advice["categories"]
    entry = categories.get(category or "default") or categories["default"]
    emergency = advice["emergency"]
    parts = [emergency["imminent"] if level == "imminent" else emergency["default"], entry["text"]]
    if entry.get("ask_if_safe"):
        parts.append(advice["safe_to_message"])
        if (channel or "").lower() in SHARED_PHONE_CHANNELS:
            parts.append(advice["phone_warning"])
    return " ".join(part.strip() for part in parts if part)
