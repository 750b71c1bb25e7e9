"""Actions that hand a conversation to a person: on risk, on request, and after repeated misunderstanding."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.cases.identities import split_sender
from bot.db import session_scope
from bot.handoff import wording
from bot.handoff.queue import open_handoff
from bot.handoff.rota import expected_wait_minutes, staff_on_duty

logger = logging.getLogger(__name__)
DEFAULT_RISK_LEVEL = "high"  # an escalation without a risk result errs on the urgent side


def channel_of(tracker: Tracker) -> str:
    """The channel name from a "<channel>:<address>" sender id (or the latest input channel)."""
    channel, _address = split_sender(tracker.sender_id or "")
    return channel or tracker.get_latest_input_channel() or "unknown"


def hand_to_person(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, reason: str, level: str, category: str | None
) -> list[EventType]:
    """Record the hand-off, tell the victim what happens next, and pause the conversation."""
    channel = channel_of(tracker)
    with session_scope() as session:
        handoff = open_handoff(
            session, sender_id=tracker.sender_id, channel=channel, reason=reason, level=level, category=category
        )
        on_duty = staff_on_duty(session)
        wait = expected_wait_minutes(session) if on_duty else None
        handoff_id = handoff.id
    logger.info("hand-off %s opened (reason=%s, level=%s, on_duty=%s)", handoff_id, reason, level, on_duty)
    dispatcher.utter_message(text=wording.joining_message(wait) if on_duty else wording.off_duty_message(category))
    events: list[EventType] = []
    if tracker.active_loop_name:
        events += [ActiveLoop(None), SlotSet("requested_slot", None)]
    return [*events, SlotSet("handoff_active", True), ConversationPaused()]


class ActionEscalate(Action):
    """Risk found: a person (or what to do if nobody is on duty).

    The safety advice comes before this action as the `utter_safety_advice` response, which Rasa sends
    itself: it must reach the victim even when this action server or the database is down.
    """

    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        risk = tracker.latest_message.get("risk") or {}
        level = risk.get("level") or DEFAULT_RISK_LEVEL
        return hand_to_person(dispatcher, tracker, reason="risk", level=level, category=risk.get("category"))


class ActionRequestHuman(Action):
    """The victim asked for a person."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=wording.REQUEST_MESSAGE)
        return hand_to_person(dispatcher, tracker, reason="requested", level="normal", category=None)


class ActionDefaultFallback(Action):
    """Final stage of the two-stage fallback: stop guessing and ask a person to pick it up."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(text=wording.FALLBACK_MESSAGE)
        return hand_to_person(dispatcher, tracker, reason="fallback", level="normal", category=None)
