"""The safety advice for a risk category and channel, read from the domain's `utter_safety_advice` variations."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg.generator import ResponseVariationFilter

RESPONSE = "utter_safety_advice"
CATEGORY_SLOT = "risk_category"
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
def advice_variations(domain_file: Path | None = None) -> tuple[dict[str, Any], ...]:
    """The `utter_safety_advice` variations of domain.yml (or the given domain file)."""
    if domain_file is None:
        from bot.settings import get_settings

        domain_file = get_settings().domain_file
    with Path(domain_file).open(encoding="utf-8") as handle:
        responses = (yaml.safe_load(handle) or {}).get("responses") or {}
    variations = responses.get(RESPONSE)
    if not variations:
        raise LookupError(f"{domain_file} has no {RESPONSE} response")
    return tuple(variations)


def safety_message(category: str | None, channel: str | None, *, domain_file: Path | None = None) -> str:
    """The advice Rasa sends for this category on this output channel ("sms", "telegram", "rest", "webchat").

    The variation is chosen by Rasa's own filter (channel and slot conditions), so the text is the one
    the `utter_safety_advice` response gives when the risk screen sets `risk_category` to `category`.
    """
    responses = {RESPONSE: list(advice_variations(domain_file))}
    slots = {CATEGORY_SLOT: category or "default"}
    suitable = ResponseVariationFilter(responses).responses_for_utter_action(RESPONSE, (channel or "").lower(), slots)
    return str(suitable[0]["text"])
