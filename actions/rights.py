"""Actions that explain victims' rights and what happens next in the justice process."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.rights import choose_rights_topic, process_messages, rights_overview, rights_topic_for_process

TOPIC_SLOT = "rights_topic"  # the right last explained, so "how do I apply?" stays on it


class ActionExplainRights(Action):
    """Explain the right asked about (by meaning, the last topic, then keywords), or list the rights."""

    def name(self) -> str:
        return "action_explain_rights"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        message = tracker.latest_message or {}
        topic = choose_rights_topic(message.get("text"), parse_data=message, last_topic=tracker.get_slot(TOPIC_SLOT))
        if topic is not None:
            dispatcher.utter_message(text=topic.text)
            return [SlotSet(TOPIC_SLOT, topic.key)]
        text, buttons = rights_overview()
        dispatcher.utter_message(text=text, buttons=buttons)
        return [SlotSet(TOPIC_SLOT, None)]


class ActionExplainProcess(Action):
    """Explain the stage of the justice process asked about (all steps if unclear), or the right it is about."""

    def name(self) -> str:
        return "action_explain_process"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text")
        topic = rights_topic_for_process(text)
        if topic is not None:  # "the CPS dropped my case" is about the right to review, not about charging
            dispatcher.utter_message(text=topic.text)
            return [SlotSet(TOPIC_SLOT, topic.key)]
        for message in process_messages(text, verified=tracker.get_slot("verified") is True):
            dispatcher.utter_message(text=message)
        return []
