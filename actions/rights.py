"""Actions that explain victims' rights and what happens next in the justice process."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.rights import find_rights_topic, process_messages, rights_overview


class ActionExplainRights(Action):
    """Explain the right the user asked about, or list the rights with a button for each."""

    def name(self) -> str:
        return "action_explain_rights"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        topic = find_rights_topic(tracker.latest_message.get("text"))
        if topic is not None:
            dispatcher.utter_message(text=topic.text)
            return []
        text, buttons = rights_overview()
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionExplainProcess(Action):
    """Explain the stage of the justice process the user asked about (all steps if unclear)."""

    def name(self) -> str:
        return "action_explain_process"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        verified = tracker.get_slot("verified") is True
        for message in process_messages(tracker.latest_message.get("text"), verified=verified):
            dispatcher.utter_message(text=message)
        return []
