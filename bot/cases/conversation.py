"""Read the case-update conversation's state from Rasa tracker events (plain dicts), without storing secrets.

What the bot said is recognised by the response it uttered (a bot event's `metadata.utter_action`, which
Rasa 3.6 records for every response an action names), never by its words, which vary by channel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.cases.answers import VerificationAnswer, parse_verification_answer

ANSWER_SLOT = "verification_answer"
PARTIAL_PROMPTS = frozenset({"utter_ask_postcode", "utter_ask_dob"})  # "Thanks. Now please send your ..."
_RESETS = {"session_started", "restart", "reset_slots"}


def answer_so_far(events: Sequence[dict[str, Any]]) -> VerificationAnswer | None:
    """The verification answer given in the latest user message, merged with an earlier partial one.

    A partial answer (say, a date of birth alone) is carried forward only when the bot's next
    message asked for the missing part, so a failed answer is never merged into a new one.
    Returns None when the latest user message was not an answer to the verification question.
    """
    requested: str | None = None
    carry = VerificationAnswer()
    latest: VerificationAnswer | None = None
    for event in events:
        kind = event.get("event")
        if kind in _RESETS:
            requested, carry, latest = None, VerificationAnswer(), None
        elif kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "active_loop" and not event.get("name"):
            requested, carry = None, VerificationAnswer()
        elif kind == "user":
            latest = None
            if requested == ANSWER_SLOT:
                latest = parse_verification_answer(event.get("text") or "").merged_with(carry)
        elif kind == "bot":
            carry = latest if (latest is not None and is_partial_prompt(event)) else VerificationAnswer()
    return latest


def uttered_response(event: dict[str, Any]) -> str | None:
    """The name of the response a bot event said (None for free text, such as a case update)."""
    return (event.get("metadata") or {}).get("utter_action") if event.get("event") == "bot" else None


def is_partial_prompt(event: dict[str, Any]) -> bool:
    """True when a bot event asked for the missing half of a date-of-birth-and-postcode answer."""
    return uttered_response(event) in PARTIAL_PROMPTS


def responses_since_user(events: Sequence[dict[str, Any]]) -> list[str]:
    """Responses the bot has uttered since the latest user message (including this turn's validation replies)."""
    names: list[str] = []
    for event in reversed(events):
        if event.get("event") == "user":
            break
        name = uttered_response(event)
        if name:
            names.append(name)
    return list(reversed(names))


def responded_since_user(events: Sequence[dict[str, Any]], names: Iterable[str]) -> bool:
    """True when any of the responses `names` was uttered since the latest user message."""
    return not set(names).isdisjoint(responses_since_user(events))
