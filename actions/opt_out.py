"""Opt out of proactive messages (update nudges); replies to what the person asks are unaffected."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.cases.identities import SenderAddress, opt_out
from bot.off_loop import in_session

OPTED_OUT = (
    "Done. I won't send you messages you didn't ask for, such as news of updates. "
    "You can still message me at any time and I'll reply."
)
HOW_TO_OPT_IN = {
    "sms": "To get them again, reply START.",
}
DEFAULT_OPT_IN = "To get them again, say 'talk to a person' and someone from the gateway can switch them back on."


def opted_out_text(channel: str) -> str:
    """The confirmation, with how to opt back in on this channel; nothing else."""
    return f"{OPTED_OUT} {HOW_TO_OPT_IN.get(channel, DEFAULT_OPT_IN)}"


class ActionOptOut(Action):
    """Marks this channel address as opted out and confirms in neutral words."""

    def name(self) -> str:
        return "action_opt_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        channel, address = SenderAddress.parse(tracker.sender_id)
        await in_session(opt_out, channel=channel or "unknown", address=address)
        dispatcher.utter_message(text=opted_out_text(channel))
        return []
