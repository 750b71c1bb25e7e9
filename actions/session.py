"""Custom session start: nothing carried over, and the contact recorded (an open hand-off holds by its row)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.cases.identities import SenderAddress, record_contact
from bot.db import session_scope
from bot.off_loop import run_blocking


def _record_contact(sender_id: str) -> None:
    """Remember the channel address (for opt-outs and nudges); blocking (database): run it off the loop."""
    channel, address = SenderAddress.parse(sender_id)
    if address:
        with session_scope() as session:
            record_contact(session, channel=channel or "unknown", address=address)


class ActionSessionStart(Action):
    """Starts a fresh session: verification never survives it.

    A hand-off survives it without help from here: the open hand-off row, read by the hand-off policy
    (bot/handoff/policy.py), is what keeps the bot quiet, and a new session does not change the row.
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        await run_blocking(_record_contact, tracker.sender_id)
        return [SessionStarted(), ActionExecuted("action_listen")]
