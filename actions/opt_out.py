"""Opt out of proactive messages (update nudges); replies to what the person asks are unaffected."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.cases.identities import SenderAddress, opt_out
from bot.off_loop import in_session


class ActionOptOut(Action):
    """Marks this channel address as opted out, then confirms with utter_opted_out (per channel, in the domain)."""

    def name(self) -> str:
        return "action_opt_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        channel, address = SenderAddress.parse(tracker.sender_id)
        await in_session(opt_out, channel=channel or "unknown", address=address)
        dispatcher.utter_message(response="utter_opted_out")
        return []
