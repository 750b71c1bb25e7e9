"""Actions that hand a conversation to a person (on risk, on request, after repeated misunderstanding) and one
that records a waiting victim's answer to "is it safe for us to message you here later?"."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.cases.identities import SenderAddress
from bot.db import session_scope
from bot.handoff import wording
from bot.handoff.contact_later import answer_in_reply, record_and_reply
from bot.handoff.queue import open_handoff
from bot.handoff.rota import expected_wait_minutes, staff_on_duty
from bot.handoff.waiting_turn import turn_view
from bot.handoff.wording import Reply
from bot.off_loop import run_blocking

logger = logging.getLogger(__name__)
DEFAULT_RISK_LEVEL = "high"  # an escalation without a risk result errs on the urgent side


def channel_of(tracker: Tracker) -> str:
    """The channel name from a "<channel>:<address>" sender id (or the latest input channel)."""
    channel, _address = SenderAddress.parse(tracker.sender_id or "")
    return channel or tracker.get_latest_input_channel() or "unknown"


def _open_and_word(
    sender_id: str, channel: str, reason: str, level: str, category: str | None, opened_for: str | None
) -> list[Reply]:
    """Open the hand-off (one transaction: from then on the hand-off policy holds the conversation); its replies."""
    with session_scope() as session:
        handoff = open_handoff(
            session, sender_id=sender_id, channel=channel, reason=reason, level=level, category=category,
            opened_for=opened_for,
        )  # fmt: skip
        on_duty = staff_on_duty(session)
        wait = expected_wait_minutes(session) if on_duty else None
        handoff_id = handoff.id
    logger.info("hand-off %s opened (reason=%s, level=%s, on_duty=%s)", handoff_id, reason, level, on_duty)
    return wording.handoff_replies(on_duty=on_duty, wait_minutes=wait)


async def hand_to_person(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, reason: str, level: str, category: str | None
) -> list[EventType]:
    """Record the hand-off and tell the victim what happens next; a form in progress ends.

    Nothing pauses the conversation: the open hand-off row is what makes the bot listen (bot/handoff/policy.py).
    """
    opened_for = turn_view(tracker.events).message_id  # a re-run of this turn may then finish these words
    replies = await run_blocking(
        _open_and_word, tracker.sender_id, channel_of(tracker), reason, level, category, opened_for
    )
    for reply in replies:
        dispatcher.utter_message(response=reply.response, **reply.values)
    if tracker.active_loop_name:
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


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
        return await hand_to_person(dispatcher, tracker, reason="risk", level=level, category=risk.get("category"))


class ActionRequestHuman(Action):
    """The victim asked for a person."""

    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response=wording.REQUESTED)
        return await hand_to_person(dispatcher, tracker, reason="requested", level="normal", category=None)


class ActionDefaultFallback(Action):
    """Final stage of the two-stage fallback: stop guessing and ask a person to pick it up."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response=wording.FALLBACK)
        return await hand_to_person(dispatcher, tracker, reason="fallback", level="normal", category=None)


def _record(sender_id: str, answer: Any, at: float | None) -> str | None:
    with session_scope() as session:
        return record_and_reply(session, sender_id=sender_id, answer=answer, at=at)


class ActionHandoffContactLater(Action):
    """While waiting: keep the victim's answer to "is it safe to message you later?" and confirm it.

    Predicted only by the hand-off policy. The confirmation is sent only once the answer is stored, so the
    victim is never told "we won't message you" unless update nudges will respect it.
    """

    def name(self) -> str:
        return "action_handoff_contact_later"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = turn_view(tracker.events)
        answer = answer_in_reply(turn.text, turn.intent, turn.risk, turn.asked)
        reply = await run_blocking(_record, tracker.sender_id, answer, turn.at) if answer else None
        if reply:
            dispatcher.utter_message(response=reply)
        return []
