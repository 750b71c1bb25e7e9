"""Stage one of the two-stage fallback: ask "did you mean ...?" in plain words (utter_ask_<intent>)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.risk_guard import offer_help_if_risky

NLU_FALLBACK_INTENT = "nlu_fallback"
# Only intents with a utter_ask_<intent> response in the domain are asked about: the domain has none for
# risk (the risk screen decides), entity-only answers (provide_reference, inform_area), yes/no or out_of_scope.


def intent_to_confirm(tracker: Tracker) -> str | None:
    """The most likely real intent of the latest message (the runner-up when NLU fell back)."""
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    if intent == NLU_FALLBACK_INTENT:
        ranking = [item.get("name") for item in message.get("intent_ranking") or []]
        candidates = [name for name in ranking if name and name != NLU_FALLBACK_INTENT]
        intent = candidates[0] if candidates else None
    return intent


class ActionDefaultAskAffirmation(Action):
    """Replaces Rasa's default ("Did you mean 'ask_rights'?" with /intent buttons) with a plain question."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if offer_help_if_risky(dispatcher, tracker):
            return []
        intent = intent_to_confirm(tracker)
        response = f"utter_ask_{intent}"
        if intent and response in (domain.get("responses") or {}):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
