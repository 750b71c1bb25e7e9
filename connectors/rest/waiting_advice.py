"""Safety advice sent while a conversation waits for a person, read back for channels that reply in the request."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)
ADVICE_FLAG = "safety_advice"  # BotUttered metadata set by bot.handoff.paused_risk


def advice_since_last_message(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The safety-advice bot messages recorded after the latest user message, as REST reply messages."""
    last_user = max((index for index, event in enumerate(events) if event.get("event") == "user"), default=-1)
    return [
        {"recipient_id": None, "text": event.get("text")}
        for event in events[last_user + 1 :]
        if event.get("event") == "bot" and (event.get("metadata") or {}).get(ADVICE_FLAG) and event.get("text")
    ]


async def waiting_advice(app: Any, sender_id: str) -> list[dict[str, Any]]:
    """Advice the tracker store added for a paused conversation on this turn (empty if none or on error).

    Rasa predicts nothing while a conversation is paused, so the reply collected from the output channel is
    empty; the advice is recorded in the tracker instead (and queued for channels that push messages).
    """
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or agent.tracker_store is None:
        return []
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception as error:  # the reply must still go out
        logger.warning("could not read the tracker for waiting advice: %s", type(error).__name__)
        return []
    if tracker is None:
        return []
    messages = advice_since_last_message([event.as_dict() for event in tracker.events])
    for message in messages:
        message["recipient_id"] = sender_id
    return messages
