"""Victim-facing words read from the domain's responses, for code that speaks without a Rasa turn."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

CHANNELS = ("sms", "telegram", "webchat", "rest")  # the output channel names Rasa picks variations by
# "{utter_x}" inside a text is replaced by response utter_x's text for the same channel (one source for
# lines many replies share, such as utter_emergency_line). Rasa's default generator fills only slots: a
# response with a fragment is sent through this module, or uttered by Rasa with bot/wording/nlg.py.
FRAGMENT = re.compile(r"\{(utter_[a-z0-9_]+)\}")
MAX_FRAGMENT_DEPTH = 3


@lru_cache(maxsize=4)
def _load_domain(domain_file: Path) -> Any:
    from rasa.shared.core.domain import Domain  # Rasa's own loader and schema check

    return Domain.load(str(domain_file))


def _domain(domain_file: Path | None) -> Any:
    if domain_file is None:
        from bot.settings import get_settings

        domain_file = get_settings().domain_file
    return _load_domain(Path(domain_file))


def domain_responses(domain_file: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every response of the domain (settings.domain_file unless given), loaded once on first use."""
    return _domain(domain_file).responses


def fragments_in(text: str) -> list[str]:
    """The responses a text includes by "{utter_x}"."""
    return FRAGMENT.findall(text)


def response_text(
    name: str,
    channel: str | None = None,
    *,
    slots: Mapping[str, Any] | None = None,
    domain_file: Path | None = None,
) -> str:
    """The text response `name` gives on output channel `channel` ("sms", "telegram", "webchat", "rest")."""
    return str(response_message(name, channel, slots=slots, domain_file=domain_file)["text"])


def response_message(
    name: str,
    channel: str | None = None,
    *,
    slots: Mapping[str, Any] | None = None,
    domain_file: Path | None = None,
) -> dict[str, Any]:
    """Response `name` as a bot message ({"text": ..., "buttons": [...]}) for output channel `channel`.

    Rasa's own filter picks the variation (channel and slot conditions, falling back to the variation
    without a channel); slots not given take their initial values, as in a new conversation. The first
    suitable variation is used (fixed replies have one per channel). Slot placeholders are filled as
    Rasa fills them, and "{utter_x}" fragments with that response's text for the same channel.
    """
    variation = domain_variation(_domain(domain_file), name, channel, slots)
    return {"text": variation["text"], "buttons": [dict(button) for button in variation.get("buttons") or []]}


def domain_variation(
    domain: Any, name: str, channel: str | None, slots: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The variation of response `name` a loaded Rasa Domain gives on `channel`, its text filled."""
    return _variation(name, (channel or "").lower(), dict(slots or {}), domain, 0)


def _variation(name: str, channel: str, slots: dict[str, Any], domain: Any, depth: int) -> dict[str, Any]:
    from rasa.core.nlg.generator import ResponseVariationFilter
    from rasa.core.nlg.interpolator import interpolate_text

    if name not in domain.responses:
        raise LookupError(f"the domain has no response {name}")
    values = {slot.name: slot.initial_value for slot in domain.slots}
    values.update(slots)
    suitable = ResponseVariationFilter(domain.responses).responses_for_utter_action(name, channel, values)
    if not suitable or not suitable[0].get("text"):
        raise LookupError(f"response {name} has no text for channel {channel or '(none)'}")
    variation = dict(suitable[0])
    text = str(variation["text"])
    included = fragments_in(text)
    if included and depth >= MAX_FRAGMENT_DEPTH:
        raise LookupError(f"response {name} includes fragments more than {MAX_FRAGMENT_DEPTH} deep")
    for fragment in included:
        values[fragment] = _variation(fragment, channel, slots, domain, depth + 1)["text"]
    variation["text"] = interpolate_text(text, values) if "{" in text else text
    return variation
