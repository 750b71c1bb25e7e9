"""Read the case-update conversation's state from Rasa tracker events (plain dicts), without storing secrets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.cases.answers import VerificationAnswer, parse_verification_answer
from bot.cases.dialogue_texts import PARTIAL_PROMPTS

ANSWER_SLOT = "verification_answer"
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
            carry = latest if (latest is not None and event.get("text") in PARTIAL_PROMPTS) else VerificationAnswer()
    return latest


def bot_texts_since_user(events: Sequence[dict[str, Any]]) -> list[str]:
    """Texts the bot has sent since the latest user message (including this turn's validation replies)."""
    texts: list[str] = []
    for event in reversed(events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot" and event.get("text"):
            texts.append(event["text"])
    return list(reversed(texts))


def said_since_user(events: Sequence[dict[str, Any]], prefixes: Iterable[str]) -> bool:
    """True when a message starting with any of `prefixes` was sent since the latest user message."""
    wanted = tuple(prefixes)
    return any(text.startswith(wanted) for text in bot_texts_since_user(events))
