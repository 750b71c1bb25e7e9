"""Tests for action_default_ask_affirmation: the "did you mean ...?" question users see."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation

DOMAIN = {"responses": {"utter_ask_ask_rights": [{"text": "Do you want to know about your rights as a victim?"}]}}


def ask(intent: str, ranking: list[str]) -> list[dict[str, Any]]:
    """Run the action for a message NLU labelled `intent` with this ranking; return what was sent."""
    tracker = Tracker(
        sender_id="webchat:abc",
        slots={},
        latest_message={
            "text": "rights??",
            "intent": {"name": intent, "confidence": 0.3},
            "intent_ranking": [{"name": name, "confidence": 0.3} for name in ranking],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionDefaultAskAffirmation().run(dispatcher, tracker, DOMAIN)) == []
    return dispatcher.messages


def test_asks_about_the_runner_up_intent_in_plain_words() -> None:
    messages = ask("nlu_fallback", ["nlu_fallback", "ask_rights", "ask_process"])
    assert [message["response"] for message in messages] == ["utter_ask_ask_rights"]


def test_asks_to_rephrase_when_there_is_no_question_for_that_intent() -> None:
    messages = ask("nlu_fallback", ["nlu_fallback", "provide_reference"])
    assert [message["response"] for message in messages] == ["utter_ask_rephrase"]


def test_never_asks_whether_someone_meant_a_risk_disclosure() -> None:
    messages = ask("nlu_fallback", ["nlu_fallback", "risk_disclosure"])
    assert [message["response"] for message in messages] == ["utter_ask_rephrase"]
