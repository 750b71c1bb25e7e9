"""Custom session start: nothing carried over, contact recorded, and an open hand-off stays paused."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.cases.identities import record_contact, split_sender
from bot.db import session_scope
from bot.off_loop import run_blocking

logger = logging.getLogger(__name__)


def _open_handoff_exists(session, sender_id: str) -> bool:  # type: ignore[no-untyped-def]
    """True when staff still hold (or are about to take) this conversation."""
    from bot.handoff.queue import active_handoff  # imported here: the action server loads it only when needed

    return active_handoff(session, sender_id=sender_id) is not None


def _record_contact_and_check_handoff(sender_id: str) -> bool:
    """Record the contact; True while a hand-off is open. Blocking (database): run it off the loop."""
    channel, address = split_sender(sender_id)
    with session_scope() as session:
        if address:
            record_contact(session, channel=channel or "unknown", address=address)
        return _open_handoff_exists(session, sender_id)


class ActionSessionStart(Action):
    """Starts a fresh session: verification never survives it, but a hand-off does."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted(), ActionExecuted("action_listen")]
        if await run_blocking(_record_contact_and_check_handoff, tracker.sender_id):
            # Rasa un-pauses a conversation when its session expires; re-pause so it never
            # silently falls back to the bot while a person is handling it.
            logger.info("session restarted during an open hand-off; conversation stays paused")
            events += [ConversationPaused(), SlotSet("handoff_active", True)]
        return events
