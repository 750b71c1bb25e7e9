"""While a conversation waits for a person, a new risk disclosure raises its priority and gets safety advice.

Rasa predicts nothing for a paused conversation, so no action can react to what the victim writes
while waiting; the NLU pipeline (and so the risk screen) still runs. Haven's tracker store calls
`react_to_risk_while_paused` when it saves such a turn.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.cases.identities import split_sender
from bot.db import session_scope
from bot.handoff.queue import active_handoff, open_handoff, priority_for
from bot.outbox.store import enqueue
from bot.risk.advice import safety_message

logger = logging.getLogger(__name__)


def unanswered_risk(tracker: DialogueStateTracker) -> dict[str, Any] | None:
    """The risk verdict of the newest user message of a paused conversation, if it escalates and is new."""
    if not tracker.is_paused():
        return None
    for event in reversed(tracker.events):
        if isinstance(event, (ActionExecuted, BotUttered)):
            return None
        if isinstance(event, UserUttered):
            risk = (event.parse_data or {}).get("risk") or {}
            return risk if risk.get("escalate") else None
    return None


def raise_waiting_handoff(sender_id: str, risk: dict[str, Any]) -> str | None:
    """Raise the open hand-off's priority; the safety advice to send if the level went up, else None."""
    level = str(risk.get("level") or "high")
    with session_scope() as session:
        handoff = active_handoff(session, sender_id=sender_id)
        if handoff is None or priority_for(level) >= handoff.priority:
            return None
        open_handoff(
            session,
            sender_id=sender_id,
            channel=handoff.channel,
            reason="risk",
            level=level,
            category=risk.get("category"),
        )
        advice = safety_message(risk.get("category"), handoff.channel)
        channel, address = split_sender(sender_id)
        enqueue(session, channel=channel or handoff.channel, recipient=address, payload={"text": advice})
    logger.info("waiting conversation raised to %s (%s)", level, risk.get("category"))
    return advice


async def react_to_risk_while_paused(tracker: DialogueStateTracker) -> None:
    """Raise priority and send advice for a new risk hit in a paused conversation; record it in the transcript."""
    risk = unanswered_risk(tracker)
    if risk is None:
        return
    try:
        advice = await asyncio.to_thread(raise_waiting_handoff, tracker.sender_id, risk)
    except Exception as error:  # the turn itself must still be saved
        logger.error("could not raise a waiting hand-off: %s", type(error).__name__)
        return
    if advice:
        tracker.update(BotUttered(text=advice, metadata={"safety_advice": True}))
